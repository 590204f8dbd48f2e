import {
  DOCUMENT,
  DestroyRef,
  Injectable,
  effect,
  inject,
  signal,
} from '@angular/core';
import { Title } from '@angular/platform-browser';

import type { ChatEntry } from './chat-entry.model';

/**
 * What arrived while the reader was away (the tab hidden, or the list scrolled up to read):
 * where the divider goes, how many, and the count in the tab's title. The divider stays after
 * the reader is back, until they send something or are away again when the next one arrives.
 */
@Injectable()
export class UnreadTracker {
  private readonly document = inject(DOCUMENT);
  private readonly title = inject(Title);
  private readonly baseTitle = this.title.getTitle();
  private readonly hidden = signal(this.document.hidden);
  /** The list shows its newest entry (set by the list as the reader scrolls). */
  readonly following = signal(true);
  /** Key of the first entry that came while away; the divider goes before it. */
  readonly firstUnread = signal<string | undefined>(undefined);
  readonly count = signal(0);
  private seen = new Set<string>();

  constructor() {
    const onVisibility = () => this.hidden.set(this.document.hidden);
    this.document.addEventListener('visibilitychange', onVisibility);
    effect(() => {
      // back, and at the bottom: everything has been seen
      if (!this.hidden() && this.following()) this.count.set(0);
    });
    effect(() => {
      const count = this.count();
      this.title.setTitle(
        count ? `(${count}) ${this.baseTitle}` : this.baseTitle,
      );
    });
    inject(DestroyRef).onDestroy(() => {
      this.document.removeEventListener('visibilitychange', onVisibility);
      this.title.setTitle(this.baseTitle);
    });
  }

  /** The history now holds `entries`: the new ones count if the reader is away. */
  update(entries: readonly ChatEntry[]): void {
    const away = this.hidden() || !this.following();
    let fresh = 0;
    let first: string | undefined;
    for (const entry of entries) {
      if (this.seen.has(entry.key)) continue;
      this.seen.add(entry.key);
      // my own message (sent from here): I have read what came before it
      if (entry.mine && entry.kind !== 'file') {
        this.firstUnread.set(undefined);
        this.count.set(0);
        first = undefined;
        fresh = 0;
        continue;
      }
      if (!away || entry.kind === 'system') continue;
      fresh++;
      first ??= entry.key;
    }
    // keys of entries long gone need not be remembered
    if (this.seen.size > 4 * entries.length + 1000)
      this.seen = new Set(entries.map((e) => e.key));
    if (fresh === 0) return;
    // the first unread since the reader was last up to date: the divider moves here
    if (this.count() === 0) this.firstUnread.set(first);
    this.count.update((n) => n + fresh);
  }
}
