import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/shared';

import type { RemoteMember } from '../cluster/cluster-events';
import { typedNameKey } from '../identity/name-identity';
import type { ChatSocket } from '../realtime/chat-socket';
import { DeliveryService } from '../realtime/delivery.service';
import { Directory } from './directory';
import { SessionsException } from './sessions.exception';
import { type UserPage, UserIndex, toUser } from './user-index';

/** A user holding a name on this instance, connected or held for a reconnect. */
export interface Member {
  sessionId: string;
  username: string;
  key: string;
  since: string;
  /** Salted hash of the address the user logged in from (shown to admins). */
  addressHash: string;
  graceTimer?: NodeJS.Timeout;
}

/**
 * Who holds a name: this instance's members and, in a cluster, the others' (`directory`,
 * mirrored from their events). One lookup for every domain; sockets are the delivery's.
 */
@Injectable()
export class Roster {
  private readonly members = new Map<string, Member>();
  /** By folded name: a private message or a typing notice finds its recipient in one lookup. */
  private readonly byName = new Map<string, Member>();
  /** Everyone, here and elsewhere, in the user list's order. */
  private readonly index = new UserIndex();
  readonly directory = new Directory(this.index);

  constructor(private readonly delivery: DeliveryService) {}

  add(member: Member): void {
    this.members.set(member.sessionId, member);
    this.byName.set(member.key, member);
    this.index.add(member.sessionId, toUser(member));
  }

  /** False when that member was no longer here. */
  delete(member: Member): boolean {
    if (this.members.get(member.sessionId) !== member) return false;
    this.members.delete(member.sessionId);
    if (this.byName.get(member.key) === member) this.byName.delete(member.key);
    this.index.remove(member.sessionId);
    return true;
  }

  get(sessionId: string): Member | undefined {
    return this.members.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.members.has(sessionId);
  }

  /** This instance's member holding that name key, connected or not. */
  byKey(key: string): Member | undefined {
    return this.byName.get(key);
  }

  isConnected(member: Member): boolean {
    return this.delivery.connected(member.sessionId);
  }

  /** The member logged in on that socket, if any. */
  of(socket: ChatSocket): Member | undefined {
    const id = socket.data.sessionId;
    return id ? this.members.get(id) : undefined;
  }

  /**
   * The member behind a socket, for commands that need a username. Called by gateways inside
   * the socket's command queue, so a login or resume sent just before has completed (A15).
   */
  require(socket: ChatSocket): Member {
    const member = this.of(socket);
    if (!member)
      throw new SessionsException(
        ErrorCode.NotLoggedIn,
        'Please log in first.',
      );
    return member;
  }

  /** This instance's connected member whose name matches (case- and look-alike-insensitively). */
  findOnline(username: string): Member | undefined {
    const member = this.byKey(typedNameKey(username));
    return member && this.isConnected(member) ? member : undefined;
  }

  /** A member connected to another instance whose name matches, in a cluster. */
  findRemote(username: string): RemoteMember | undefined {
    const found = this.directory.byKey(typedNameKey(username));
    return found?.connected ? found : undefined;
  }

  /**
   * Where the user of that name is connected: here (`here`), on another instance (`there`), or
   * nowhere (undefined); `username` as they registered it.
   */
  locate(
    username: string,
  ): { here?: Member; there?: RemoteMember; username: string } | undefined {
    const here = this.findOnline(username);
    if (here) return { here, username: here.username };
    const there = this.findRemote(username);
    return there && { there, username: there.username };
  }

  /** This instance's members, connected or held. */
  local(): readonly Member[] {
    return [...this.members.values()];
  }

  /** This instance's members with a live connection. */
  *connected(): Iterable<Member> {
    for (const member of this.members.values())
      if (this.isConnected(member)) yield member;
  }

  /** Members other instances hold (empty with one instance). */
  remote(): readonly RemoteMember[] {
    return this.directory.all().filter((m) => !this.members.has(m.sessionId));
  }

  /** How many hold a name, here and on the other instances. */
  get size(): number {
    return this.index.size;
  }

  /** A page of the user list: everyone holding a name, here and on the other instances. */
  page(after = '', filter = ''): UserPage {
    return this.index.page(after, filter);
  }
}
