import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type AuditCheckpointPayload,
  ServerEvent,
  checkpointSignedBy,
} from '@app/shared';
import { concatMap } from 'rxjs';

import { NotifyService } from '../notify/notify.service';
import { SocketService } from './socket.service';

const KEY_PREFIX = 'fuv-chat.audit-checkpoints:';
const CONFLICTS_PREFIX = 'fuv-chat.audit-conflicts:';
/** Checkpoints kept for comparison; the server sends one a second at most. */
const KEPT = 20;

/**
 * Keeps the latest signed audit checkpoints the server sent, in this browser: copies of the
 * log's head that live outside the server's database. Each is checked against the server key
 * the handshake proved (and the user pinned) before it is kept, and compared with the ones kept
 * before: two different heads signed for the same row mean the log was rewritten, and both are
 * kept as evidence.
 */
@Injectable({ providedIn: 'root' })
export class CheckpointWitnessService {
  private readonly socket = inject(SocketService);
  private readonly notify = inject(NotifyService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly key = KEY_PREFIX + location.origin;
  private readonly conflictsKey = CONFLICTS_PREFIX + location.origin;

  start(): void {
    this.socket
      .on(ServerEvent.AuditCheckpoint)
      .pipe(
        concatMap((checkpoint) => this.witness(checkpoint)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** The newest checkpoint kept. */
  latest(): AuditCheckpointPayload | undefined {
    return this.kept().at(-1);
  }

  /** Pairs of checkpoints that contradict each other: evidence of a rewritten log. */
  conflicts(): [AuditCheckpointPayload, AuditCheckpointPayload][] {
    return this.read(this.conflictsKey);
  }

  private async witness(checkpoint: AuditCheckpointPayload): Promise<void> {
    const serverKey = this.socket.serverKey();
    if (!serverKey || !(await checkpointSignedBy(checkpoint, serverKey))) {
      this.notify.error(
        'The server sent an audit checkpoint whose signature does not verify; it was not kept.',
      );
      return;
    }
    const kept = this.kept();
    const earlier = kept.find((k) => k.lastId === checkpoint.lastId);
    if (earlier && earlier.hash !== checkpoint.hash) {
      localStorage.setItem(
        this.conflictsKey,
        JSON.stringify([...this.conflicts(), [earlier, checkpoint]]),
      );
      this.notify.error(
        'The server signed two different audit logs: it contradicts a checkpoint this browser kept. The log may have been rewritten.',
      );
      return;
    }
    if (earlier) return;
    const next = [...kept, checkpoint]
      .sort((a, b) => a.lastId - b.lastId)
      .slice(-KEPT);
    localStorage.setItem(this.key, JSON.stringify(next));
  }

  private kept(): AuditCheckpointPayload[] {
    return this.read(this.key);
  }

  private read<T>(key: string): T[] {
    const stored = localStorage.getItem(key);
    return stored ? (JSON.parse(stored) as T[]) : [];
  }
}
