import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  afterNextRender,
  computed,
  inject,
  input,
  output,
  viewChild,
} from '@angular/core';
import {
  CdkFixedSizeVirtualScroll,
  CdkVirtualForOf,
  CdkVirtualScrollViewport,
} from '@angular/cdk/scrolling';
import type { UserPayload } from '@app/shared';

/** Rows loaded ahead of the last one in view: closer than this, the next page is asked for. */
const AHEAD = 10;

/**
 * Who is online. Choosing someone makes the next message private to them; they stay listed,
 * marked offline, while they are away and still chosen (issue 30). The list may hold
 * only the first pages of a large room: nearing its end asks for more (`more`), and the filter
 * box's text goes to the store (`find`), which searches the server when it must.
 */
@Component({
  selector: 'app-user-list',
  imports: [
    CdkVirtualScrollViewport,
    CdkFixedSizeVirtualScroll,
    CdkVirtualForOf,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 class="title">Online ({{ online() }})</h2>
    <input
      type="search"
      class="filter"
      data-testid="user-filter"
      placeholder="Find someone"
      aria-label="Find someone online"
      [value]="filter()"
      (input)="search($any($event.target).value)"
    />
    <!-- fixed-height rows, so only those in view exist (a room may hold thousands) -->
    <cdk-virtual-scroll-viewport
      class="users"
      data-testid="user-list"
      [itemSize]="rowHeight"
      minBufferPx="400"
      maxBufferPx="800"
    >
      <ul>
        <li
          *cdkVirtualFor="let user of users(); trackBy: byName; let i = index"
          [attr.aria-posinset]="i + 1"
          [attr.aria-setsize]="filter() ? users().length : online() + kept()"
        >
          @let chosen = user.username === selected();
          @let away = chosen && !selectedOnline();
          <button
            type="button"
            data-testid="user-item"
            [class.me]="user.username === me()"
            [class.selected]="chosen"
            [class.away]="away"
            [attr.data-online]="!away"
            [attr.aria-pressed]="chosen"
            [attr.aria-current]="chosen ? 'true' : null"
            [disabled]="user.username === me()"
            [title]="
              user.username === me()
                ? 'You'
                : chosen
                  ? (away
                      ? user.username +
                        ' is offline; messages to them are refused. '
                      : 'Your private conversation with ' +
                        user.username +
                        '. ') +
                    'Use “Send publicly instead” to message everyone.'
                  : 'Send ' + user.username + ' a private message'
            "
            (click)="choose.emit(user.username)"
          >
            <bdi>{{ user.username }}</bdi>
            @if (user.username === me()) {
              <span class="hint">(you)</span>
            } @else if (away) {
              <span class="hint">(private, offline)</span>
            } @else if (chosen) {
              <span class="hint">(private)</span>
            }
          </button>
        </li>
      </ul>
    </cdk-virtual-scroll-viewport>
    @if (searching()) {
      <p class="none">Searching…</p>
    } @else if (filter() && users().length === 0) {
      <p class="none">Nobody online matches.</p>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
    }
    .filter {
      box-sizing: border-box;
      width: calc(100% - 16px);
      margin: 0 8px 8px;
      padding: 6px 8px;
      font: inherit;
      color: inherit;
      background: var(--mat-sys-surface-container);
      border: 1px solid var(--mat-sys-outline);
      border-radius: 6px;
    }
    .filter:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
    }
    .none {
      margin: 0;
      padding: 4px 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    .title {
      font-size: 14px;
      margin: 8px 12px;
      opacity: 0.8;
    }
    .users {
      flex: 1;
      min-height: 0;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0 8px;
    }
    li {
      height: 34px; /* rowHeight */
    }
    /* one line each (the rows have one height); the tooltip holds the whole name */
    button {
      all: unset;
      box-sizing: border-box;
      width: 100%;
      height: 100%;
      padding: 0 8px;
      border-radius: 6px;
      cursor: pointer;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    button:hover:not(:disabled),
    button:focus-visible {
      background: var(--mat-sys-surface-container-high);
    }
    button:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
    }
    button.selected {
      background: light-dark(#ede9fe, #3b0764);
      color: light-dark(#5b21b6, #ddd6fe);
      font-weight: 600;
    }
    button.away {
      font-style: italic;
      opacity: 0.75;
    }
    button.me {
      cursor: default;
      font-weight: 600;
    }
    .hint {
      opacity: 0.7;
      font-size: 12px;
      margin-left: 4px;
    }
  `,
})
export class UserListComponent {
  /** What the list shows (the users loaded, or those the filter found), in order. */
  readonly users = input.required<readonly UserPayload[]>();
  /** Everyone online, loaded or not. */
  readonly online = input.required<number>();
  readonly filter = input('');
  readonly searching = input(false);
  readonly me = input<string>();
  /** The chosen person: they stay listed (and chosen) while offline. */
  readonly selected = input<string>();
  /** Whether the chosen person is online. */
  readonly selectedOnline = input(true);
  readonly choose = output<string>();
  readonly find = output<string>();
  readonly more = output<void>();
  readonly rowHeight = 34;
  private readonly viewport = viewChild.required(CdkVirtualScrollViewport);
  readonly byName = (_: number, user: UserPayload) => user.username;
  /** The chosen person listed while offline: one row more than the count of those online. */
  readonly kept = computed(() =>
    !this.selectedOnline() &&
    this.users().some((u) => u.username === this.selected())
      ? 1
      : 0,
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    // the rendered rows change with scrolling and with the list: near its end, load on
    afterNextRender(() => {
      const rows = this.viewport().renderedRangeStream.subscribe(({ end }) => {
        if (end + AHEAD >= this.users().length) this.more.emit();
      });
      destroyRef.onDestroy(() => rows.unsubscribe());
    });
  }

  search(text: string): void {
    this.find.emit(text);
    this.viewport().scrollToIndex(0);
  }
}
