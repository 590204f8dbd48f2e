import type { RemoteMember } from '../cluster/cluster-events';
import { type UserIndex, toUser } from './user-index';

/** How long an event's news outranks database snapshots taken before it. */
const EVENT_MEMORY_MS = 60_000;

/**
 * The members other instances hold. Events from those instances keep it current; each
 * heartbeat, a snapshot of the claims in the database heals whatever events were lost (Redis
 * away) and drops the members of instances that died. A snapshot never overrides an event
 * newer than itself.
 */
export class Directory {
  private readonly remote = new Map<string, RemoteMember>();
  /** Session id → epoch ms of the last event about it. */
  private readonly changedAt = new Map<string, number>();

  /** `index` lists the members known here (the roster's user list). */
  constructor(private readonly index?: UserIndex) {}

  /** Records a member; true when it is new here (a join to announce). */
  upsert(member: RemoteMember, now = Date.now()): boolean {
    const known = this.remote.has(member.sessionId);
    this.remote.set(member.sessionId, member);
    this.changedAt.set(member.sessionId, now);
    if (!known) this.index?.add(member.sessionId, toUser(member));
    return !known;
  }

  /** Forgets a member; what was known of it, if anything. */
  remove(sessionId: string, now = Date.now()): RemoteMember | undefined {
    const member = this.remote.get(sessionId);
    this.remote.delete(sessionId);
    this.changedAt.set(sessionId, now);
    if (member) this.index?.remove(sessionId);
    return member;
  }

  /**
   * Makes the directory match a snapshot of the other instances' claims read at `takenAt` or
   * later; what changed (members to announce as joined and as left).
   */
  reconcile(
    rows: readonly RemoteMember[],
    takenAt: number,
  ): { joined: RemoteMember[]; left: RemoteMember[] } {
    const newer = (id: string) => (this.changedAt.get(id) ?? 0) >= takenAt;
    const joined: RemoteMember[] = [];
    const left: RemoteMember[] = [];
    const present = new Set<string>();
    for (const row of rows) {
      present.add(row.sessionId);
      if (newer(row.sessionId)) continue;
      if (!this.remote.has(row.sessionId)) {
        joined.push(row);
        this.index?.add(row.sessionId, toUser(row));
      }
      this.remote.set(row.sessionId, row);
    }
    for (const [id, member] of this.remote) {
      if (present.has(id) || newer(id)) continue;
      this.remote.delete(id);
      this.index?.remove(id);
      left.push(member);
    }
    for (const [id, at] of this.changedAt)
      if (at < takenAt - EVENT_MEMORY_MS) this.changedAt.delete(id);
    return { joined, left };
  }

  get(sessionId: string): RemoteMember | undefined {
    return this.remote.get(sessionId);
  }

  /** The member holding this folded name, if any. */
  byKey(key: string): RemoteMember | undefined {
    for (const member of this.remote.values())
      if (member.key === key) return member;
    return undefined;
  }

  all(): RemoteMember[] {
    return [...this.remote.values()];
  }
}
