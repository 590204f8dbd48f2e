import { once } from 'node:events';

import {
  Injectable,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  type PresenceChange,
  type SealedServerEvent,
  type ServerEventMap,
  type SessionJoinedPayload,
  ServerEvent,
} from '@app/shared';
import { throttleTime } from 'rxjs';

import { AuditCheckpointsService } from '../audit/audit-checkpoints.service';
import type { DomainException } from '../common/domain.exception';
import type { ChatSocket } from './chat-socket';
import { PresenceBatch, presenceTickMs } from './presence-batch';
import { RealtimeService, type RoomServerEvent } from './realtime.service';
import { exceptionPayload } from './ws-exceptions.filter';

/** Checkpoints go to clients at most this often (each client keeps only the newest). */
const CHECKPOINT_PUSH_MS = 1000;

/** Frames queued for one socket before a paced sender (a download) waits for it to drain (L34). */
const QUEUED_FRAMES = 16;

/** Events that carry what someone said: the joins and leaves before them go out first. */
const SPOKEN = new Set<SealedServerEvent>([
  ServerEvent.MessageCreated,
  ServerEvent.PrivateMessageCreated,
]);

/**
 * How domains reach members: by session id, never by socket. To one member, to some, or to the
 * room (one frame for all); joins and leaves are batched and always go out before the next
 * thing anyone says. The socket of each connected member of this instance is kept here only.
 */
@Injectable()
export class DeliveryService implements OnModuleInit, OnModuleDestroy {
  private readonly sockets = new Map<string, ChatSocket>();
  private readonly presence = new PresenceBatch();
  private presenceTimer?: NodeJS.Timeout;

  constructor(
    private readonly realtime: RealtimeService,
    private readonly checkpoints: AuditCheckpointsService,
  ) {}

  onModuleInit(): void {
    // every client keeps the latest signed checkpoint: a copy of the log's head outside the
    // database. Under heavy traffic checkpoints come many times a second; clients keep only the
    // newest, so at most one a second goes out (the first at once, the newest at the end).
    this.checkpoints.created$
      .pipe(
        throttleTime(CHECKPOINT_PUSH_MS, undefined, {
          leading: true,
          trailing: true,
        }),
      )
      .subscribe((checkpoint) =>
        this.toRoom(ServerEvent.AuditCheckpoint, checkpoint),
      );
  }

  onModuleDestroy(): void {
    clearTimeout(this.presenceTimer);
  }

  /**
   * The member's connection from now on: it joins the room. A connection it had before is
   * superseded (a resume from a new one) and closed.
   */
  attach(memberId: string, username: string, socket: ChatSocket): void {
    const previous = this.sockets.get(memberId);
    if (previous && previous !== socket) {
      previous.data.sessionId = undefined;
      previous.disconnect(true);
    }
    this.sockets.set(memberId, socket);
    socket.data.sessionId = memberId;
    socket.data.username = username;
    this.realtime.admit(socket);
  }

  /**
   * Tells a member it is in: its user list (which holds every join and leave announced so
   * far), then the latest signed checkpoint.
   */
  welcome(memberId: string, joined: SessionJoinedPayload): void {
    this.presence.listed(memberId);
    if (!this.toMember(memberId, ServerEvent.SessionJoined, joined)) return;
    const checkpoint = this.checkpoints.current();
    if (checkpoint)
      this.toMember(memberId, ServerEvent.AuditCheckpoint, checkpoint);
  }

  /** That socket dropped: the member has no connection here until it resumes. */
  detach(memberId: string, socket: ChatSocket): void {
    if (this.sockets.get(memberId) !== socket) return;
    this.sockets.delete(memberId);
    this.presence.forget(memberId);
  }

  /**
   * The member is gone from this instance (logged out, timed out, taken over elsewhere): out of
   * the room, its connection no longer theirs (after a logout it may log in again on it).
   */
  leave(memberId: string): void {
    this.unbind(memberId);
  }

  /** Like `leave`, and the connection is closed; with `notice`, its client is told why first. */
  release(memberId: string, notice?: DomainException): void {
    const socket = this.unbind(memberId);
    if (!socket) return;
    if (notice)
      this.realtime.send(
        socket,
        ServerEvent.Exception,
        exceptionPayload(notice),
      );
    socket.disconnect(true);
  }

  /** Drops the member's transport, not its session: its client reconnects, resumes and asks again. */
  reconnect(memberId: string, notice: DomainException): void {
    const socket = this.sockets.get(memberId);
    if (!socket) return;
    this.realtime.send(socket, ServerEvent.Exception, exceptionPayload(notice));
    socket.conn.close();
  }

  connected(memberId: string): boolean {
    return this.sockets.has(memberId);
  }

  /** An opaque id of the member's current connection: a stream stops when it changes. */
  connectionOf(memberId: string): string | undefined {
    return this.sockets.get(memberId)?.id;
  }

  /** Sealed for the member's own connection; false when it has none here. */
  toMember<E extends SealedServerEvent>(
    memberId: string,
    event: E,
    payload: ServerEventMap[E],
  ): boolean {
    const socket = this.sockets.get(memberId);
    if (!socket) return false;
    if (SPOKEN.has(event)) this.flushPresence();
    this.realtime.send(socket, event, payload);
    return true;
  }

  /** Encoded once, sealed for each connected member among them. */
  toMembers<E extends SealedServerEvent>(
    memberIds: Iterable<string>,
    event: E,
    payload: ServerEventMap[E],
  ): void {
    if (SPOKEN.has(event)) this.flushPresence();
    const sockets: ChatSocket[] = [];
    for (const id of memberIds) {
      const socket = this.sockets.get(id);
      if (socket) sockets.push(socket);
    }
    this.realtime.sendToEach(sockets, event, payload);
  }

  /**
   * Like `toMember`, for a stream (a download) on one connection of the member: resolves once
   * the socket can take more, so a slow reader cannot fill the server's memory. False once that
   * connection is gone (the client resumes the stream on its next one).
   */
  async toConnectionPaced<E extends SealedServerEvent>(
    memberId: string,
    connection: string,
    event: E,
    payload: ServerEventMap[E],
  ): Promise<boolean> {
    const socket = this.sockets.get(memberId);
    if (socket?.id !== connection || !socket.connected) return false;
    this.realtime.send(socket, event, payload);
    // engine.io's queue of packets not yet written: the only measure of a reader's backlog
    const transport = socket.conn as unknown as {
      writeBuffer: unknown[];
    } & NodeJS.EventEmitter;
    // until it drains, or the member logs out or moves (the stream is no longer wanted there)
    const wanted = () =>
      socket.connected && this.sockets.get(memberId) === socket;
    while (wanted() && transport.writeBuffer.length > QUEUED_FRAMES) {
      await Promise.race([
        once(transport, 'drain'),
        once(transport, 'close'),
        new Promise((r) => setTimeout(r, 1000)),
      ]);
    }
    return wanted();
  }

  /** One frame for every connected member of this instance but `except`. */
  toRoom<E extends RoomServerEvent>(
    event: E,
    payload: ServerEventMap[E],
    except: Iterable<string> = [],
  ): void {
    if (event !== ServerEvent.Presence) this.flushPresence();
    const sockets: ChatSocket[] = [];
    for (const id of except) {
      const socket = this.sockets.get(id);
      if (socket) sockets.push(socket);
    }
    this.realtime.toRoom(event, payload, sockets);
  }

  /** A join or leave, sent with the others gathered in the same tick. */
  announce(change: PresenceChange): void {
    if (!this.presence.add(change)) return;
    this.presenceTimer = setTimeout(
      () => this.flushPresence(),
      presenceTickMs(this.sockets.size),
    );
    this.presenceTimer.unref();
  }

  /** Sends the joins and leaves gathered so far. */
  flushPresence(): void {
    clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    const flush = this.presence.take();
    if (!flush) return;
    for (const [id, news] of flush.partial)
      if (news.length > 0)
        this.toMember(id, ServerEvent.Presence, { changes: news });
    this.toRoom(
      ServerEvent.Presence,
      { changes: flush.changes },
      flush.partial.keys(),
    );
  }

  private unbind(memberId: string): ChatSocket | undefined {
    const socket = this.sockets.get(memberId);
    this.sockets.delete(memberId);
    this.presence.forget(memberId);
    this.realtime.depart(socket);
    if (socket) {
      socket.data.sessionId = undefined;
      socket.data.username = undefined;
    }
    return socket;
  }
}
