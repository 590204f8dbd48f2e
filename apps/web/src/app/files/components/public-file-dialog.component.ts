import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

export interface PublicFileData {
  /** The names of the files about to be offered. */
  names: string[];
}

/**
 * Asks before a file goes to the public room when a private conversation was open a moment ago
 * (issue 30): a file meant for one person is never offered to everyone by a slip. Closes with
 * true to send.
 */
@Component({
  selector: 'app-public-file-dialog',
  imports: [MatDialogModule, MatButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      data-testid="notice"
      role="alertdialog"
      aria-labelledby="public-file-title"
      aria-describedby="public-file-text"
    >
      <h2 mat-dialog-title id="public-file-title">Send to everyone?</h2>
      <mat-dialog-content id="public-file-text">
        <p>
          You were in a private conversation a moment ago. Everyone in the
          public room will be offered
          @for (name of data.names; track $index) {
            @if (!$first) {
              ,
            }
            <bdi class="name">{{ name }}</bdi>
          }
          .
        </p>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button mat-dialog-close data-testid="public-file-cancel">
          Cancel
        </button>
        <button
          mat-flat-button
          [mat-dialog-close]="true"
          data-testid="public-file-send"
        >
          Send to everyone
        </button>
      </mat-dialog-actions>
    </div>
  `,
  styles: `
    .name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
  `,
})
export class PublicFileDialogComponent {
  readonly data = inject<PublicFileData>(MAT_DIALOG_DATA);
}
