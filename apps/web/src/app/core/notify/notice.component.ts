import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import {
  MAT_SNACK_BAR_DATA,
  MatSnackBarRef,
} from '@angular/material/snack-bar';
import { MatButton } from '@angular/material/button';

export interface NoticeData {
  message: string;
  tone: 'error' | 'info';
}

/** One snackbar notice; its text says what happened (test id `notice`). */
@Component({
  selector: 'app-notice',
  imports: [MatButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="notice"
      [class.error]="data.tone === 'error'"
      data-testid="notice"
      role="status"
    >
      <span>{{ data.message }}</span>
      <button mat-button (click)="ref.dismiss()">OK</button>
    </div>
  `,
  styles: `
    .notice {
      display: flex;
      align-items: center;
      gap: 12px;
      justify-content: space-between;
    }
    .notice span {
      overflow-wrap: anywhere;
    }
  `,
})
export class NoticeComponent {
  readonly data = inject<NoticeData>(MAT_SNACK_BAR_DATA);
  readonly ref = inject(MatSnackBarRef);
}
