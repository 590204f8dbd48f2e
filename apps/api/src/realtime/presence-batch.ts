import type { PresenceChange } from '@app/shared';

/** A batch waits at least this long: joins in a storm go out together. */
const MIN_TICK_MS = 100;
/** ...and at most this long: someone's arrival shows within a second. */
const MAX_TICK_MS = 1000;
/** Room frames of joins and leaves per second the batching aims at, whatever the room's size. */
const FRAMES_PER_SECOND = 5000;

/**
 * How long joins and leaves gather before they go out, in a room of `members`: each batch is one
 * frame per member, so a large room batches longer (a 2,000-member room every 400 ms) and filling
 * it costs the same frames per second as a small one. Anything said sends the batch at once.
 */
export function presenceTickMs(members: number): number {
  const tick = (members * 1000) / FRAMES_PER_SECOND;
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.round(tick)));
}

/** What one flush sends: the batch for the room, and the newer part for members listed during it. */
export interface PresenceFlush {
  changes: PresenceChange[];
  /** Members whose user list already held part of the batch: only the changes after it. */
  partial: Map<string, PresenceChange[]>;
}

/**
 * Joins and leaves gathered between flushes, numbered. A member whose user list was built
 * while a batch gathered already holds its first changes: it gets only the rest.
 */
export class PresenceBatch {
  private seq = 0;
  private queue: { seq: number; change: PresenceChange }[] = [];
  /** The last change each recently listed member's user list holds. */
  private readonly listedAt = new Map<string, number>();

  /** Queues a change; true when it opens a batch (the caller schedules its flush). */
  add(change: PresenceChange): boolean {
    this.queue.push({ seq: ++this.seq, change });
    return this.queue.length === 1;
  }

  /** The member's user list, about to be sent, holds every change queued so far. */
  listed(memberId: string): void {
    this.listedAt.set(memberId, this.seq);
  }

  forget(memberId: string): void {
    this.listedAt.delete(memberId);
  }

  /** Empties the batch; undefined when there was nothing in it. */
  take(): PresenceFlush | undefined {
    const queue = this.queue.splice(0);
    if (queue.length === 0) return undefined;
    const partial = new Map<string, PresenceChange[]>();
    for (const [memberId, from] of this.listedAt) {
      // listed before this batch: it gets all of it, as everyone, from now on
      if (from < queue[0].seq) this.listedAt.delete(memberId);
      else
        partial.set(
          memberId,
          queue.filter((q) => q.seq > from).map((q) => q.change),
        );
    }
    return { changes: queue.map((q) => q.change), partial };
  }
}
