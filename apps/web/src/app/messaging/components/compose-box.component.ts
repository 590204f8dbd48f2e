import {
  ChangeDetectionStrategy,
  Component,
  input,
  output,
  signal,
} from '@angular/core';
import { CdkTextareaAutosize } from '@angular/cdk/text-field';
import { FormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { Limits } from '@app/shared';

/** The compose box: Enter sends, Shift+Enter adds a line; `/w name text` whispers. */
@Component({
  selector: 'app-compose-box',
  imports: [
    CdkTextareaAutosize,
    FormsModule,
    MatButton,
    MatFormFieldModule,
    MatInput,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (recipient(); as to) {
      <div class="to">
        Private to <bdi>{{ to }}</bdi>
        <button mat-button type="button" (click)="clearRecipient.emit()">
          Send publicly instead
        </button>
      </div>
    }
    <div class="row">
      <mat-form-field
        appearance="outline"
        class="field"
        subscriptSizing="dynamic"
      >
        <mat-label>{{
          recipient() ? 'Private message' : 'Message everyone (or /w name text)'
        }}</mat-label>
        <textarea
          matInput
          data-testid="message-input"
          rows="1"
          cdkTextareaAutosize
          cdkAutosizeMaxRows="8"
          [ngModel]="text()"
          (ngModelChange)="text.set($event)"
          (keydown.enter)="onEnter($event)"
          [attr.maxlength]="maxChars * 2"
        ></textarea>
      </mat-form-field>
      <button
        mat-flat-button
        type="button"
        data-testid="send-button"
        [disabled]="disabled()"
        (click)="submit()"
      >
        Send
      </button>
    </div>
  `,
  styles: `
    .row {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .field {
      flex: 1;
    }
    .to {
      font-size: 13px;
      color: #5b21b6;
      display: flex;
      align-items: center;
      gap: 8px;
    }
    textarea {
      max-height: 30vh;
    }
  `,
})
export class ComposeBoxComponent {
  readonly recipient = input<string>();
  readonly disabled = input(false);
  readonly send = output<{ text: string; done: (sent: boolean) => void }>();
  readonly clearRecipient = output();
  readonly text = signal('');
  readonly maxChars = Limits.messageMaxChars;

  onEnter(event: Event): void {
    if ((event as KeyboardEvent).shiftKey) return;
    event.preventDefault();
    this.submit();
  }

  submit(): void {
    const text = this.text();
    if (!text.trim() || this.disabled()) return;
    this.send.emit({ text, done: (sent) => sent && this.text.set('') });
  }
}
