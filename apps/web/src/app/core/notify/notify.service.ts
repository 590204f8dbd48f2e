import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatSnackBar } from '@angular/material/snack-bar';

import { SocketService } from '../realtime/socket.service';
import { NoticeComponent, type NoticeData } from './notice.component';

/** Errors and information as snackbars. Components never render raw errors themselves. */
@Injectable({ providedIn: 'root' })
export class NotifyService {
  private readonly snackBar = inject(MatSnackBar);
  private readonly socket = inject(SocketService);
  private readonly destroyRef = inject(DestroyRef);

  start(): void {
    this.socket.problems
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((problem) => this.error(problem.message));
  }

  error(message: string): void {
    this.open({ message, tone: 'error' });
  }

  info(message: string): void {
    this.open({ message, tone: 'info' });
  }

  private open(data: NoticeData): void {
    this.snackBar.openFromComponent(NoticeComponent, {
      data,
      duration: data.tone === 'error' ? 8000 : 4000,
      horizontalPosition: 'center',
      verticalPosition: 'top',
    });
  }
}
