import { DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  output,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';

import { E2eeBadgeComponent } from '../../e2ee/e2ee-badge.component';
import type { FileTransfer } from '../files.store';

export type FileAction = 'accept' | 'reject' | 'cancel';

const ACTIVE = new Set(['uploading', 'downloading']);

/** One file transfer in the history: the offer, its answers, progress, and the verified download. */
@Component({
  selector: 'app-file-card',
  imports: [DecimalPipe, E2eeBadgeComponent, MatButton, MatProgressBar],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let t = transfer();
    <div
      class="card"
      [attr.data-testid]="t.direction === 'in' ? 'file-offer' : 'file-sent'"
      [attr.data-state]="t.state"
    >
      <div class="head">
        <span aria-hidden="true">📎</span>
        <bdi class="name">{{ t.name }}</bdi>
        <span class="meta"
          >{{ t.size / 1048576 | number: '1.1-1' }} MB ·
          {{
            t.direction === 'in'
              ? 'from ' + t.from
              : t.to
                ? 'to ' + t.to
                : 'to everyone'
          }}</span
        >
        @if (t.e2ee) {
          <app-e2ee-badge />
        }
      </div>
      @if (active() || t.state === 'saved' || t.state === 'offered') {
        <mat-progress-bar
          data-testid="file-progress"
          mode="determinate"
          [value]="t.progress"
          [attr.aria-label]="'Transfer of ' + t.name"
        />
        <span class="meta"
          >{{ t.progress }}% ·
          {{ t.speed / 1048576 | number: '1.1-1' }} MB/s</span
        >
      }
      <div class="actions">
        @switch (t.state) {
          @case ('incoming') {
            <button
              mat-flat-button
              data-testid="file-accept"
              (click)="act.emit('accept')"
            >
              Accept
            </button>
            <button
              mat-button
              data-testid="file-reject"
              (click)="act.emit('reject')"
            >
              Reject
            </button>
          }
          @case ('saved') {
            @if (t.preview) {
              <img
                class="preview"
                data-testid="file-preview"
                [src]="t.preview"
                [alt]="'Picture: ' + t.name"
              />
            }
            <a
              mat-flat-button
              data-testid="file-download"
              [href]="t.url"
              [attr.download]="t.name"
              >Save (SHA-256 verified)</a
            >
          }
          @case ('offered') {
            <span class="meta">Verified by the server and offered.</span>
          }
          @case ('rejected') {
            <span class="meta">You rejected this file.</span>
          }
          @case ('cancelled') {
            <span class="meta">Cancelled.</span>
          }
          @case ('failed') {
            <span class="meta error">{{ t.message }}</span>
          }
        }
        @if (active()) {
          <button
            mat-button
            data-testid="file-cancel"
            (click)="act.emit('cancel')"
          >
            Cancel
          </button>
        }
      </div>
      @if (answers().length > 0) {
        <div class="meta" data-testid="file-answers">
          @for (a of answers(); track a.by) {
            <span
              ><bdi>{{ a.by }}</bdi>
              {{ a.accepted ? 'accepted' : 'rejected' }}</span
            >
          }
        </div>
      }
    </div>
  `,
  styles: `
    .card {
      display: grid;
      gap: 6px;
      padding: 8px 12px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      background: light-dark(#f0f9ff, #0c2a3d);
      max-width: 520px;
    }
    .head {
      display: flex;
      gap: 8px;
      align-items: baseline;
      flex-wrap: wrap;
    }
    .name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .meta {
      font-size: 12px;
      opacity: 0.8;
      display: inline-flex;
      gap: 8px;
      flex-wrap: wrap;
    }
    .preview {
      display: block;
      max-width: min(320px, 100%);
      max-height: 240px;
      border-radius: 6px;
      object-fit: contain;
    }
    .error {
      color: light-dark(#b91c1c, #fca5a5);
      opacity: 1;
    }
    .actions {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
  `,
})
export class FileCardComponent {
  readonly transfer = input.required<FileTransfer>();
  readonly act = output<FileAction>();
  readonly active = computed(() => ACTIVE.has(this.transfer().state));
  readonly answers = computed(() =>
    Object.entries(this.transfer().answers).map(([by, accepted]) => ({
      by,
      accepted,
    })),
  );
}
