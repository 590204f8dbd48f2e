import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import {
  CdkFixedSizeVirtualScroll,
  CdkVirtualForOf,
  CdkVirtualScrollViewport,
} from '@angular/cdk/scrolling';
import type { UserPayload } from '@app/shared';

/** Who is online. Choosing someone makes the next message private to them. */
@Component({
  selector: 'app-user-list',
  imports: [
    CdkVirtualScrollViewport,
    CdkFixedSizeVirtualScroll,
    CdkVirtualForOf,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 class="title">Online ({{ users().length }})</h2>
    <input
      type="search"
      class="filter"
      data-testid="user-filter"
      placeholder="Find someone"
      aria-label="Find someone online"
      [value]="filter()"
      (input)="find($any($event.target).value)"
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
          *cdkVirtualFor="let user of shown(); trackBy: byName; let i = index"
          [attr.aria-posinset]="i + 1"
          [attr.aria-setsize]="shown().length"
        >
          <button
            type="button"
            data-testid="user-item"
            [class.me]="user.username === me()"
            [class.selected]="user.username === selected()"
            [attr.aria-pressed]="user.username === selected()"
            [disabled]="user.username === me()"
            [title]="
              user.username === me()
                ? 'You'
                : 'Send ' + user.username + ' a private message'
            "
            (click)="choose.emit(user.username)"
          >
            <bdi>{{ user.username }}</bdi>
            @if (user.username === me()) {
              <span class="hint">(you)</span>
            } @else if (user.username === selected()) {
              <span class="hint">(private)</span>
            }
          </button>
        </li>
      </ul>
    </cdk-virtual-scroll-viewport>
    @if (filter() && shown().length === 0) {
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
  readonly users = input.required<UserPayload[]>();
  readonly me = input<string>();
  readonly selected = input<string>();
  readonly choose = output<string>();
  readonly filter = signal('');
  readonly rowHeight = 34;
  private readonly viewport = viewChild.required(CdkVirtualScrollViewport);
  /** The users whose name contains what the filter box holds (any case). */
  readonly shown = computed(() => {
    const wanted = this.filter().trim().toLocaleLowerCase();
    const users = this.users();
    return wanted
      ? users.filter((u) => u.username.toLocaleLowerCase().includes(wanted))
      : users;
  });
  readonly byName = (_: number, user: UserPayload) => user.username;

  find(text: string): void {
    this.filter.set(text);
    this.viewport().scrollToIndex(0);
  }
}
