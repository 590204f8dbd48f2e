import { Injectable } from '@nestjs/common';
import {
  type LeaveReason,
  ServerEvent,
  type UsersPageRequest,
} from '@app/shared';

import { ClusterService } from '../cluster/cluster.service';
import { DeliveryService } from '../realtime/delivery.service';
import { type Member, Roster } from './roster';
import { toUser } from './user-index';
import { SessionsRepository } from './sessions.repository';

/**
 * Who the room is told came and went: this instance's joins and leaves, and, in a cluster, the
 * other instances' (their events mirrored into the roster's directory, healed each heartbeat
 * from the database). The delivery batches them.
 */
@Injectable()
export class PresenceService {
  constructor(
    private readonly roster: Roster,
    private readonly delivery: DeliveryService,
    private readonly cluster: ClusterService,
    private readonly repository: SessionsRepository,
  ) {}

  joined(member: Pick<Member, 'username' | 'since'>): void {
    this.delivery.announce({
      joined: { user: toUser(member), at: member.since },
    });
  }

  left(
    username: string,
    reason: LeaveReason,
    at = new Date().toISOString(),
  ): void {
    this.delivery.announce({ left: { username, at, reason } });
  }

  /** The page of the user list a member asked for (the welcome carried the first). */
  page(member: Member, request: UsersPageRequest): void {
    const { after, filter } = request;
    this.delivery.toMember(member.sessionId, ServerEvent.UsersPage, {
      ...(filter ? { after, filter } : { after }),
      ...this.roster.page(after, filter),
    });
  }

  /** Mirrors the other instances' members (with one instance, nothing to do). */
  mirrorCluster(): void {
    const { directory } = this.roster;
    this.cluster.on('member', (remote) => {
      if (this.roster.has(remote.sessionId)) return;
      if (directory.upsert(remote)) this.joined(remote);
    });
    this.cluster.on('moved', (remote) => {
      const local = this.roster.get(remote.sessionId);
      const known = directory.upsert(remote) === false;
      if (local) this.handOver(local);
      else if (!known) this.joined(remote);
    });
    this.cluster.on('member-left', ({ sessionId, username, reason, at }) => {
      if (directory.remove(sessionId)) this.left(username, reason, at);
    });
  }

  /** Sets the directory to what the database holds (events lost while Redis was away). */
  async reconcile(now: number): Promise<void> {
    const rows = await this.repository.othersMembers(
      this.cluster.instanceId,
      this.cluster.aliveSince,
    );
    const { joined, left } = this.roster.directory.reconcile(
      rows.filter((row) => !this.roster.has(row.sessionId)),
      now,
    );
    for (const m of joined) this.joined(m);
    for (const m of left) this.left(m.username, 'timeout');
  }

  /** Another instance took over a member of ours: let go without a leave (it never left). */
  private handOver(member: Member): void {
    clearTimeout(member.graceTimer);
    this.roster.delete(member);
    this.delivery.release(member.sessionId);
  }
}
