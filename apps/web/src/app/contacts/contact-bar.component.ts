import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';

import { ContactsStore } from './contacts.store';
import { SafetyNumberDialogComponent } from './safety-number-dialog.component';

/**
 * Above the compose box in a private conversation: whether the contact's key is verified, the
 * way to verify it, and the notice when it changed (E58).
 */
@Component({
  selector: 'app-contact-bar',
  imports: [MatButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (contact(); as c) {
      @if (c.changed) {
        <div class="change" role="alert" data-testid="key-change">
          <bdi>{{ c.name }}</bdi
          >'s identity key has changed: they use another browser now, or an
          administrator released the name.
          @if (c.blocked) {
            Sending to them is blocked until you verify the new safety number or
            accept the change.
          }
          <button mat-button (click)="accept(c.name)">
            Accept the new key
          </button>
        </div>
      }
      <div class="status">
        <span [class.verified]="c.verified">
          {{ c.verified ? '✔ Verified' : 'Not verified' }}
        </span>
        <button mat-button data-testid="verify-button" (click)="open()">
          Verify safety number
        </button>
      </div>
    } @else if (unproven()) {
      <div class="status" role="status">
        <bdi>{{ name() }}</bdi
        >'s key could not be proven in the key log.
      </div>
    }
  `,
  styles: `
    :host {
      display: block;
      padding: 0 12px;
      font-size: 0.9em;
    }
    .status {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .verified {
      color: var(--mat-sys-primary);
      font-weight: 600;
    }
    .change {
      padding: 8px;
      margin: 4px 0;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class ContactBarComponent {
  readonly name = input.required<string>();
  readonly me = input.required<string>();
  private readonly contacts = inject(ContactsStore);
  private readonly dialog = inject(MatDialog);
  readonly contact = computed(() => this.contacts.get(this.name()));
  /** The last check found no key the log proves (fail closed: nothing to verify against). */
  readonly unproven = signal(false);

  constructor() {
    // every conversation opened checks the contact's key in the log again
    effect(() => {
      const name = this.name();
      this.unproven.set(false);
      void this.contacts
        .check(name)
        .then((contact) => this.unproven.set(!contact));
    });
  }

  open(): void {
    const contact = this.contact();
    if (!contact) return;
    this.dialog.open(SafetyNumberDialogComponent, {
      data: { me: this.me(), contact },
      autoFocus: 'dialog',
    });
  }

  accept(name: string): void {
    void this.contacts.acceptChange(name);
  }
}
