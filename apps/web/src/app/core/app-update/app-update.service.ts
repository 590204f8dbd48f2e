import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { SwUpdate } from '@angular/service-worker';
import { filter } from 'rxjs';

import { NotifyService } from '../notify/notify.service';

/**
 * The installed app shell and its updates. The service worker serves the last build it
 * verified (each file against the hashes in the build's `ngsw.json`) and fetches a new build
 * when the server has one; the page never swaps code under a running conversation: the new
 * build is used from the next load, and the user is told so.
 */
@Injectable({ providedIn: 'root' })
export class AppUpdateService {
  private readonly updates = inject(SwUpdate);
  private readonly notify = inject(NotifyService);
  private readonly destroyRef = inject(DestroyRef);

  start(): void {
    if (!this.updates.isEnabled) return;
    this.updates.versionUpdates
      .pipe(
        filter((event) => event.type === 'VERSION_READY'),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe(() =>
        this.notify.info(
          'A new version of the chat is ready: reload the page to use it.',
        ),
      );
    this.updates.unrecoverable
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() =>
        this.notify.error(
          'This copy of the chat can no longer be loaded from the cache: reload the page.',
        ),
      );
  }
}
