import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { type AuditCheckpointPayload, ServerEvent } from '@app/shared';

import { SocketService } from './socket.service';

const KEY_PREFIX = 'fuv-chat.audit-checkpoint:';

/**
 * Keeps the latest signed audit checkpoint the server sent, in this browser: one of the copies
 * of the log's head that live outside the server's database.
 */
@Injectable({ providedIn: 'root' })
export class CheckpointWitnessService {
  private readonly socket = inject(SocketService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly key = KEY_PREFIX + location.origin;

  start(): void {
    this.socket
      .on(ServerEvent.AuditCheckpoint)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((checkpoint) => {
        const kept = this.latest();
        if (!kept || checkpoint.lastId >= kept.lastId)
          localStorage.setItem(this.key, JSON.stringify(checkpoint));
      });
  }

  latest(): AuditCheckpointPayload | undefined {
    const stored = localStorage.getItem(this.key);
    return stored ? (JSON.parse(stored) as AuditCheckpointPayload) : undefined;
  }
}
