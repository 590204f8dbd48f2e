import { HttpClient } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  inject,
  output,
  signal,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  type Binding,
  LOG_ENTRIES_PAGE,
  type LogEntriesPayload,
  type TreeHeadPayload,
  fromBase64,
  keyFingerprint,
  parseBindingLeaf,
} from '@app/shared';
import { firstValueFrom } from 'rxjs';

import { localDateTime } from '../../core/time/days';

/** Leaves shown, newest first. */
const SHOWN = 50;

interface Row extends Binding {
  index: number;
  /** First groups of the key's SHA-256, as users compare it. */
  fingerprint: string;
}

/**
 * The key-transparency log as anyone can read it (the public endpoints): the latest signed head
 * and the newest bindings and releases, each bound name with a release button.
 */
@Component({
  selector: 'app-key-log-panel',
  imports: [MatButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Key transparency log</h2>
    @if (head(); as h) {
      <p class="head" data-testid="key-log-head">
        {{ h.size }} leaves · root <code>{{ h.rootHash.slice(0, 16) }}…</code> ·
        signed {{ local(h.timestamp) }}
        <button mat-button (click)="load()">Refresh</button>
      </p>
    }
    <ul>
      @for (row of rows(); track row.index) {
        <li data-testid="key-log-row">
          <span class="index">#{{ row.index }}</span>
          <span class="kind" [class.release]="row.kind === 'release'">{{
            row.kind
          }}</span>
          <bdi>{{ row.name }}</bdi>
          @if (row.fingerprint) {
            <code class="meta">{{ row.fingerprint }}</code>
          }
          <time class="meta" [attr.datetime]="row.at">{{ local(row.at) }}</time>
          @if (row.kind === 'bind' && row.latest) {
            <button mat-button (click)="release.emit(row.name)">Release</button>
          }
        </li>
      } @empty {
        <li class="meta">No name is bound yet.</li>
      }
    </ul>
  `,
  styles: `
    ul {
      list-style: none;
      padding: 0;
      margin: 0;
      max-height: 320px;
      overflow: auto;
    }
    li {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
      padding: 2px 0;
    }
    .index,
    .meta {
      color: var(--mat-sys-on-surface-variant);
      font-size: 0.85em;
    }
    .kind {
      font-weight: 600;
    }
    .kind.release {
      color: var(--mat-sys-error);
    }
  `,
})
export class KeyLogPanelComponent {
  private readonly http = inject(HttpClient);
  /** The administrator asks to free this name. */
  readonly release = output<string>();
  readonly head = signal<TreeHeadPayload | undefined>(undefined);
  readonly rows = signal<(Row & { latest: boolean })[]>([]);
  readonly local = localDateTime;

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    const head = await firstValueFrom(
      this.http.get<TreeHeadPayload>('/api/transparency/head'),
    );
    const start = Math.max(0, head.size - Math.min(SHOWN, LOG_ENTRIES_PAGE));
    const { entries } = await firstValueFrom(
      this.http.get<LogEntriesPayload>('/api/transparency/entries', {
        params: { start, end: head.size },
      }),
    );
    const rows: Row[] = [];
    for (const [offset, entry] of entries.entries()) {
      const binding = parseBindingLeaf(fromBase64(entry));
      if (!binding) continue;
      const fingerprint = binding.key
        ? (await keyFingerprint(fromBase64(binding.key)))
            .split(' ')
            .slice(0, 4)
            .join(' ')
        : '';
      rows.push({ ...binding, index: start + offset, fingerprint });
    }
    // newest first; only a name's newest leaf (among those shown) can be released
    const seen = new Set<string>();
    this.rows.set(
      rows.reverse().map((row) => {
        const latest = !seen.has(row.name.toLowerCase());
        seen.add(row.name.toLowerCase());
        return { ...row, latest };
      }),
    );
    this.head.set(head);
  }
}
