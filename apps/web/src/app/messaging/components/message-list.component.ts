import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { MatButtonModule } from '@angular/material/button';
import { formatClock, isEmojiOnly } from '@app/shared';

import {
  type FileAction,
  FileCardComponent,
} from '../../files/components/file-card.component';
import { E2eeBadgeComponent } from '../../e2ee/e2ee-badge.component';
import type { FileTransfer } from '../../files/files.store';
import { EmojiPickerComponent } from '../../emoji/emoji-picker.component';
import type { ChatEntry, ReactionView } from '../chat-entry.model';
import { dayLabel, dayOf, fullDate } from '../../core/time/days';
import { UnreadTracker } from '../unread.tracker';
import {
  MeasuredWindow,
  type Viewport,
  type WindowRange,
  sameRange,
} from '../../core/scroll/measured-window';

/**
 * The scrollable history. Text is only ever interpolated (Angular escapes it) and isolated
 * with <bdi>, so markup, RTL overrides and zero-width tricks stay inert.
 */
@Component({
  selector: 'app-message-list',
  imports: [
    NgTemplateOutlet,
    MatButtonModule,
    E2eeBadgeComponent,
    FileCardComponent,
    EmojiPickerComponent,
  ],
  providers: [UnreadTracker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ol class="list" #list data-testid="message-list" (scroll)="onScroll()">
      <li
        class="space"
        aria-hidden="true"
        [style.height.px]="range().before"
      ></li>
      @for (item of shown(); track item.key) {
        @switch (item.kind) {
          @case ('day') {
            <li
              class="day"
              data-testid="day-separator"
              [attr.data-key]="item.key"
              [attr.aria-posinset]="range().start + $index + 1"
              [attr.aria-setsize]="items().length"
            >
              <span>{{ item.label }}</span>
            </li>
          }
          @case ('unread') {
            <li
              class="unread"
              data-testid="unread-divider"
              [attr.data-key]="item.key"
              [attr.aria-posinset]="range().start + $index + 1"
              [attr.aria-setsize]="items().length"
            >
              <span>New messages</span>
            </li>
          }
          @case ('entry') {
            @let entry = item.entry;
            <li
              class="message"
              data-testid="message"
              [attr.data-key]="item.key"
              [attr.aria-posinset]="range().start + $index + 1"
              [attr.aria-setsize]="items().length"
              [attr.data-kind]="entry.kind"
              [class]="entry.kind"
              [class.mine]="entry.mine"
              [class.mention]="entry.mentionsMe"
            >
              @switch (entry.kind) {
                @case ('global') {
                  <span class="tag">(Global)</span>&ngsp;<ng-container
                    *ngTemplateOutlet="time; context: { $implicit: entry.at }"
                  />&ngsp;<bdi class="from">{{ entry.from }}</bdi
                  ><ng-container
                    *ngTemplateOutlet="said; context: { $implicit: entry }"
                  />
                }
                @case ('private') {
                  <span class="tag">(Private)</span>&ngsp;<ng-container
                    *ngTemplateOutlet="time; context: { $implicit: entry.at }"
                  />&ngsp;<bdi class="from">{{ entry.from }}</bdi
                  >&ngsp;→&ngsp;<bdi class="from">{{ entry.to }}</bdi
                  ><ng-container
                    *ngTemplateOutlet="said; context: { $implicit: entry }"
                  />
                }
                @case ('file') {
                  @if (files().get(entry.transferId!); as transfer) {
                    <ng-container
                      *ngTemplateOutlet="time; context: { $implicit: entry.at }"
                    />&ngsp;<bdi class="from">{{ entry.from }}</bdi>
                    <app-file-card
                      [transfer]="transfer"
                      (act)="
                        fileAction.emit({
                          action: $event,
                          transferId: transfer.transferId,
                        })
                      "
                    />
                  }
                }
                @default {
                  <ng-container
                    *ngTemplateOutlet="time; context: { $implicit: entry.at }"
                  />&ngsp;<bdi class="text">{{ entry.text }}</bdi>
                }
              }
            </li>
          }
        }
      }
      @if (items().length === 0) {
        <li class="empty">No messages yet. Say hello!</li>
      }
      <li
        class="space"
        aria-hidden="true"
        [style.height.px]="range().after"
      ></li>
    </ol>
    <div class="announce" aria-live="polite" data-testid="message-announcement">
      {{ announcement() }}
    </div>
    @if (!unread.following() && unread.count() > 0) {
      <button
        mat-flat-button
        type="button"
        class="jump"
        data-testid="new-messages-button"
        (click)="toNewest()"
      >
        ↓ {{ unread.count() }} new
        {{ unread.count() === 1 ? 'message' : 'messages' }}
      </button>
    }
    @if (pickerFor(); as picking) {
      <!-- loaded once asked for: a bare @defer waits for an idle moment, which a busy or
           background tab may not have for many seconds -->
      @defer (on immediate) {
        <div
          class="reaction-picker"
          (keydown.escape)="pickerFor.set(undefined)"
        >
          <app-emoji-picker (picked)="pick(picking, $event)" />
        </div>
      }
    }
    <!-- what a message says, after who said it: the text, its delivery state, its reactions -->
    <ng-template #said let-entry
      >:&ngsp;<bdi class="text" [class.jumbo]="emojiOnly(entry.text)">{{
        entry.text
      }}</bdi>
      @if (entry.e2ee) {
        <app-e2ee-badge class="e2ee" />
      }
      <ng-container
        *ngTemplateOutlet="delivery; context: { $implicit: entry }"
      />
      <ng-container
        *ngTemplateOutlet="reacting; context: { $implicit: entry }"
      />
    </ng-template>
    <ng-template #reacting let-entry>
      @if (!entry.status) {
        <span class="reactions">
          @for (
            reaction of reactions().get(entry.key) ?? [];
            track reaction.emoji
          ) {
            <button
              type="button"
              class="reaction"
              data-testid="reaction"
              [class.mine]="reaction.mine"
              [attr.aria-pressed]="reaction.mine"
              [attr.aria-label]="
                reaction.emoji +
                ' ' +
                reaction.count +
                ' from ' +
                givers(reaction) +
                (reaction.mine ? ' (yours: take it back)' : ' (add yours)')
              "
              [title]="givers(reaction)"
              (click)="react.emit({ entry, emoji: reaction.emoji })"
            >
              {{ reaction.emoji }} {{ reaction.count }}
            </button>
          }
          <button
            type="button"
            class="add-reaction"
            data-testid="reaction-button"
            aria-label="Add a reaction"
            title="Add a reaction"
            [attr.aria-expanded]="pickerFor()?.key === entry.key"
            (click)="togglePicker(entry)"
          ></button>
        </span>
      }
    </ng-template>
    <ng-template #delivery let-entry>
      @if (entry.status === 'pending') {
        <span class="status" data-testid="message-pending">sending…</span>
      } @else if (entry.status === 'failed') {
        <span class="status failed">not sent</span>
        <button
          mat-button
          type="button"
          data-testid="message-retry"
          (click)="retry.emit(entry.clientId)"
        >
          Retry
        </button>
      }
    </ng-template>
    <ng-template #time let-at>
      <span class="time"
        >(<time
          data-testid="message-time"
          [attr.datetime]="at"
          [attr.title]="fullDate(at)"
          >{{ clock(at) }}</time
        >)</span
      >
    </ng-template>
  `,
  styles: `
    :host {
      display: block;
      position: relative;
      min-height: 0;
    }
    .reactions {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 4px;
      margin-left: 8px;
      vertical-align: middle;
    }
    .reaction,
    .add-reaction {
      font: inherit;
      font-size: 0.9em;
      line-height: 1.4;
      padding: 0 8px;
      border-radius: 12px;
      border: 1px solid var(--mat-sys-outline-variant);
      background: var(--mat-sys-surface-container);
      color: var(--mat-sys-on-surface);
      cursor: pointer;
    }
    .reaction.mine {
      border-color: var(--mat-sys-primary);
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .reaction:focus-visible,
    .add-reaction:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
    }
    /* the add button shows where the pointer or the focus is (always on touch screens) */
    /* drawn by CSS: the message's text (what scripts and copy-paste read) stays the message */
    .add-reaction::before {
      content: '☺+';
    }
    .add-reaction {
      opacity: 0;
    }
    .message:hover .add-reaction,
    .add-reaction:focus-visible,
    .add-reaction[aria-expanded='true'] {
      opacity: 1;
    }
    @media (hover: none) {
      .add-reaction {
        opacity: 1;
      }
    }
    .reaction-picker {
      position: absolute;
      right: 12px;
      bottom: 12px;
      z-index: 10;
    }
    .jump {
      position: absolute;
      bottom: 12px;
      left: 50%;
      transform: translateX(-50%);
    }
    /* a column without margins (flex items' do not collapse): a row's height is its box plus the gap */
    .list {
      list-style: none;
      margin: 0;
      padding: 8px 12px;
      height: 100%;
      overflow-y: auto;
      box-sizing: border-box;
      display: flex;
      flex-direction: column;
      gap: 2px; /* ROW_GAP */
    }
    .list > li {
      flex-shrink: 0;
    }
    .space {
      list-style: none;
    }
    .announce {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .message {
      padding: 4px 8px;
      border-radius: 6px;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      line-height: 1.4;
    }
    .tag {
      font-weight: 600;
    }
    /* muted by colour, not opacity: the theme's variant colour keeps a 4.5:1 contrast */
    .time {
      font-variant-numeric: tabular-nums;
      color: var(--mat-sys-on-surface-variant);
    }
    .from {
      font-weight: 600;
    }
    .text {
      unicode-bidi: isolate;
    }
    .status {
      margin-left: 8px;
      font-size: 0.85em;
      color: var(--mat-sys-on-surface-variant);
    }
    .status.failed {
      color: var(--mat-sys-error);
    }
    .text.jumbo {
      font-size: 2.2em;
      line-height: 1.2;
    }
    .global .tag {
      color: light-dark(#1d4ed8, #93c5fd);
    }
    .mention {
      background: light-dark(#fef9c3, #3f3a0c);
      border-left: 3px solid light-dark(#ca8a04, #facc15);
    }
    .private {
      background: light-dark(#f3e8ff, #2e1065);
      border-left: 3px solid #7c3aed;
    }
    .e2ee {
      margin-left: 6px;
    }
    .private .tag {
      color: light-dark(#7c3aed, #c4b5fd);
    }
    .private.mine {
      background: light-dark(#ede9fe, #3b0764);
    }
    .system,
    .system .time {
      color: light-dark(#374151, #d1d5db);
      font-style: italic;
      font-size: 0.9em;
    }
    /* a rule across the list with the day in its middle */
    .day {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 10px 0 2px;
      font-size: 0.85em;
      font-weight: 600;
      color: var(--mat-sys-on-surface-variant);
    }
    .unread {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 6px 0 2px;
      font-size: 0.85em;
      font-weight: 600;
      color: var(--mat-sys-error);
    }
    .unread::after,
    .day::before,
    .day::after {
      content: '';
      flex: 1;
      border-top: 1px solid var(--mat-sys-outline-variant);
    }
    .unread::after {
      border-top-color: var(--mat-sys-error);
    }
    .empty {
      color: var(--mat-sys-on-surface-variant);
      padding: 16px;
      text-align: center;
    }
  `,
})
export class MessageListComponent {
  readonly entries = input.required<ChatEntry[]>();
  readonly files = input<ReadonlyMap<string, FileTransfer>>(new Map());
  readonly fileAction = output<{ action: FileAction; transferId: string }>();
  /** The user asks to send a refused message again (its client id). */
  readonly retry = output<string>();
  readonly reactions = input<ReadonlyMap<string, ReactionView[]>>(new Map());
  /** The user adds (or takes back) a reaction. */
  readonly react = output<{ entry: ChatEntry; emoji: string }>();
  /** The entry whose reaction picker is open. */
  readonly pickerFor = signal<ChatEntry | undefined>(undefined);
  /** Who gave a reaction, as the tooltip and the label say it. */
  readonly givers = (reaction: ReactionView): string =>
    reaction.users.join(', ') +
    (reaction.others > 0
      ? `${reaction.users.length ? ' and ' : ''}${reaction.others} more`
      : '');
  private readonly list =
    viewChild.required<ElementRef<HTMLOListElement>>('list');
  readonly unread = inject(UnreadTracker);
  /** What a screen reader announces: the newest message (the list itself is not live). */
  readonly announcement = signal('');
  /** Every row of the history: each entry, after its day's line and the unread line. */
  readonly items = computed(() => {
    const items: ListItem[] = [];
    let previous: number | undefined;
    const firstUnread = this.unread.firstUnread();
    for (const entry of this.entries()) {
      const row = this.rowOf(entry);
      if (row.day !== previous)
        items.push({
          kind: 'day',
          key: `day:${entry.key}`,
          label: dayLabel(entry.at),
        });
      previous = row.day;
      if (entry.key === firstUnread)
        items.push({ kind: 'unread', key: 'unread' });
      items.push(row.item);
    }
    return items;
  });
  // entries keep their identity across updates: each one's day and row are made once
  private readonly rows = new WeakMap<
    ChatEntry,
    { day: number; item: ListItem }
  >();
  private rowOf(entry: ChatEntry): { day: number; item: ListItem } {
    let row = this.rows.get(entry);
    if (!row) {
      row = {
        day: dayOf(entry.at),
        item: { kind: 'entry', key: entry.key, entry },
      };
      this.rows.set(entry, row);
    }
    return row;
  }
  private readonly keys = computed(() => this.items().map((item) => item.key));
  // Only a window of the rows is rendered (a room's history may hold 10,000): the reader's
  // place, the list's height and the rows measured so far decide which.
  private readonly window = new MeasuredWindow();
  private readonly scrollTop = signal(0);
  private readonly height = signal(0);
  private readonly measured = signal(0);
  readonly range = linkedSignal<
    { keys: readonly string[]; viewport: Viewport; measured: number },
    WindowRange
  >({
    source: () => ({
      keys: this.keys(),
      viewport: {
        scrollTop: this.scrollTop(),
        height: this.height(),
        atEnd: this.unread.following(),
      },
      measured: this.measured(),
    }),
    computation: ({ keys, viewport }, previous) =>
      this.window.place(keys, viewport, previous?.value),
    equal: sameRange,
  });
  readonly shown = computed(() => {
    const { start, end } = this.range();
    return this.items().slice(start, end);
  });
  readonly clock = formatClock;
  readonly fullDate = fullDate;
  readonly emojiOnly = isEmojiOnly;

  constructor() {
    let newest: string | undefined;
    effect(() => {
      const entries = this.entries();
      untracked(() => {
        this.unread.update(entries);
        this.window.keepOnly(this.keys());
        const last = entries.at(-1);
        if (newest !== undefined && last && last.key !== newest && !last.mine)
          this.announcement.set(spoken(last));
        newest = last?.key;
      });
    });
    const sizes = new ResizeObserver((changes) => this.remeasure(changes));
    const watched = new WeakSet<Element>();
    inject(DestroyRef).onDestroy(() => sizes.disconnect());
    afterNextRender(() => sizes.observe(this.list().nativeElement));
    afterRenderEffect(() => {
      this.shown();
      // rows new in the window: measured when laid out, and again whenever they change size
      for (const row of this.list().nativeElement.querySelectorAll(
        ':scope > li[data-key]',
      ))
        if (!watched.has(row)) {
          watched.add(row);
          sizes.observe(row);
        }
      // follow new messages unless the reader scrolled up to read
      if (untracked(() => this.unread.following())) this.pinToEnd();
    });
  }

  private remeasure(changes: ResizeObserverEntry[]): void {
    const list = this.list().nativeElement;
    let changed = false;
    for (const change of changes) {
      const row = change.target as HTMLElement;
      if (row === list) {
        this.height.set(list.clientHeight);
        continue;
      }
      const key = row.dataset['key'];
      if (!row.isConnected || key === undefined) continue;
      changed =
        this.window.measure(key, change.borderBoxSize[0].blockSize + ROW_GAP) ||
        changed;
    }
    if (changed) this.measured.update((n) => n + 1);
    if (this.unread.following()) this.pinToEnd();
  }

  private pinToEnd(): void {
    const element = this.list().nativeElement;
    element.scrollTop = element.scrollHeight;
  }

  onScroll(): void {
    const element = this.list().nativeElement;
    this.unread.following.set(
      element.scrollHeight - element.scrollTop - element.clientHeight < 40,
    );
    this.scrollTop.set(element.scrollTop);
  }

  togglePicker(entry: ChatEntry): void {
    this.pickerFor.update((open) =>
      open?.key === entry.key ? undefined : entry,
    );
  }

  pick(entry: ChatEntry, emoji: string): void {
    this.pickerFor.set(undefined);
    this.react.emit({ entry, emoji });
  }

  toNewest(): void {
    this.unread.following.set(true);
    this.pinToEnd();
  }
}

/** Pixels between rows: the list's CSS `gap` (a row's share of the column is its box plus this). */
const ROW_GAP = 2;

/** A row of the list: a day's line, the unread line or an entry. */
type ListItem = { key: string } & (
  | { kind: 'day'; label: string }
  | { kind: 'unread' }
  | { kind: 'entry'; entry: ChatEntry }
);

/** An entry as a screen reader announces it. */
function spoken(entry: ChatEntry): string {
  switch (entry.kind) {
    case 'global':
      return `${entry.from}: ${entry.text}`;
    case 'private':
      return `Private from ${entry.from}: ${entry.text}`;
    case 'file':
      return `${entry.from} shares a file`;
    default:
      return entry.text;
  }
}
