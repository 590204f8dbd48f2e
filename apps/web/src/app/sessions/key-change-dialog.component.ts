import {
  ChangeDetectionStrategy,
  Component,
  Injectable,
  effect,
  inject,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  MAT_DIALOG_DATA,
  MatDialog,
  MatDialogModule,
  type MatDialogRef,
} from '@angular/material/dialog';

import { SocketService } from '../core/realtime/socket.service';

interface KeyChange {
  pinned: string;
  offered: string;
}

/** Blocking warning: the server presented a key this browser has not seen for this origin. */
@Component({
  selector: 'app-key-change-dialog',
  imports: [MatDialogModule, MatButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      data-testid="notice"
      role="alertdialog"
      aria-labelledby="key-change-title"
    >
      <h2 mat-dialog-title id="key-change-title">The server key has changed</h2>
      <mat-dialog-content>
        <p>
          This server identified itself with a different key than before.
          Nothing has been sent. If the administrator did not announce a new
          key, someone may be intercepting the connection.
        </p>
        <p>
          Trusted: <code>{{ data.pinned }}</code>
        </p>
        <p>
          Offered: <code>{{ data.offered }}</code>
        </p>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button mat-dialog-close data-testid="key-change-reject">
          Stay disconnected
        </button>
        <button
          mat-flat-button
          [mat-dialog-close]="true"
          data-testid="key-change-accept"
        >
          Trust the new key
        </button>
      </mat-dialog-actions>
    </div>
  `,
  styles: `
    code {
      word-break: break-all;
      font-size: 12px;
    }
  `,
})
export class KeyChangeDialogComponent {
  readonly data = inject<KeyChange>(MAT_DIALOG_DATA);
}

/** Opens the dialog whenever the socket reports a key change. */
@Injectable({ providedIn: 'root' })
export class KeyChangeWatcher {
  private readonly socket = inject(SocketService);
  private readonly dialog = inject(MatDialog);
  private open?: MatDialogRef<KeyChangeDialogComponent, boolean>;

  start(): void {
    effect(() => {
      const change = this.socket.keyChange();
      if (!change || this.open) return;
      this.open = this.dialog.open(KeyChangeDialogComponent, {
        data: change,
        disableClose: true,
      });
      this.open.afterClosed().subscribe((trusted) => {
        this.open = undefined;
        if (trusted) this.socket.trustNewKey();
      });
    });
  }
}
