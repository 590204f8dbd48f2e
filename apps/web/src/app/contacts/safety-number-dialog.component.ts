import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  signal,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  MAT_DIALOG_DATA,
  MatDialogModule,
  MatDialogRef,
} from '@angular/material/dialog';
import { formatSafetyNumber, fromBase64, safetyNumber } from '@app/shared';
import qrcode from 'qrcode-generator';

import { IdentityStore } from '../core/identity/identity.store';
import { type Contact, ContactsStore } from './contacts.store';

export interface SafetyNumberData {
  me: string;
  contact: Contact;
}

/** An SVG path with one square per dark module of the QR code of `text`. */
function qrPath(text: string): { path: string; size: number } {
  const code = qrcode(0, 'M');
  code.addData(text, 'Numeric');
  code.make();
  const size = code.getModuleCount();
  let path = '';
  for (let row = 0; row < size; row++)
    for (let col = 0; col < size; col++)
      if (code.isDark(row, col)) path += `M${col} ${row}h1v1h-1z`;
  return { path, size };
}

/**
 * The safety number of this browser's key and a contact's (Signal's 60 digits, the same on both
 * sides) and its QR code. Read out or scanned in person, it proves nobody sits between them.
 */
@Component({
  selector: 'app-safety-number-dialog',
  imports: [MatDialogModule, MatButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Verify {{ data.contact.name }}</h2>
    <mat-dialog-content>
      <p>
        Compare these numbers with {{ data.contact.name }} in person or on a
        call you trust. If they match on both screens, your conversation is with
        their browser and nobody else's.
      </p>
      @if (digits(); as number) {
        <p class="number" data-testid="safety-number">{{ number }}</p>
        @if (qr(); as code) {
          <svg
            class="qr"
            role="img"
            [attr.aria-label]="'QR code of the safety number'"
            [attr.viewBox]="'-2 -2 ' + (code.size + 4) + ' ' + (code.size + 4)"
          >
            <rect
              x="-2"
              y="-2"
              [attr.width]="code.size + 4"
              [attr.height]="code.size + 4"
              fill="#fff"
            />
            <path [attr.d]="code.path" fill="#000" />
          </svg>
        }
      } @else {
        <p>Computing…</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close>Close</button>
      <button
        mat-flat-button
        data-testid="mark-verified"
        [disabled]="!digits()"
        (click)="verify()"
      >
        {{ data.contact.verified ? 'Verified' : 'Mark as verified' }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .number {
      font-family: ui-monospace, monospace;
      font-size: 1.2em;
      letter-spacing: 0.05em;
      max-width: 20em;
      word-spacing: 0.3em;
    }
    .qr {
      display: block;
      width: 180px;
      height: 180px;
      margin: 8px auto;
    }
  `,
})
export class SafetyNumberDialogComponent {
  readonly data = inject<SafetyNumberData>(MAT_DIALOG_DATA);
  private readonly contacts = inject(ContactsStore);
  private readonly identity = inject(IdentityStore);
  private readonly dialog = inject(MatDialogRef);
  private readonly raw = signal<string | undefined>(undefined);
  readonly digits = computed(() => {
    const raw = this.raw();
    return raw && formatSafetyNumber(raw);
  });
  readonly qr = computed(() => {
    const raw = this.raw();
    return raw && qrPath(raw);
  });

  constructor() {
    void this.compute();
  }

  async verify(): Promise<void> {
    await this.contacts.markVerified(this.data.contact.name);
    this.dialog.close(true);
  }

  private async compute(): Promise<void> {
    const mine = await this.identity.key();
    this.raw.set(
      await safetyNumber(
        { key: mine.spki, name: this.data.me },
        {
          key: fromBase64(this.data.contact.key),
          name: this.data.contact.name,
        },
      ),
    );
  }
}
