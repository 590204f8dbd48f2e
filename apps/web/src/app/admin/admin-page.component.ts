import {
  DestroyRef,
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import {
  MatPaginator,
  MatPaginatorIntl,
  type PageEvent,
} from '@angular/material/paginator';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import { MatToolbar } from '@angular/material/toolbar';
import {
  type AdminUserPayload,
  type AuditEventPayload,
  type ChainReportPayload,
  formatClock,
} from '@app/shared';
import { interval } from 'rxjs';

import { NotifyService } from '../core/notify/notify.service';
import { ThemeToggleComponent } from '../core/theme/theme-toggle.component';
import { localDateTime } from '../core/time/days';
import { AdminApiService, type LogFilters } from './admin-api.service';
import { KeyLogPanelComponent } from './components/key-log-panel.component';
import { LogTableComponent } from './components/log-table.component';

const PAGE_SIZE = 50;
const TAIL_MS = 3000;
/** The chain is verified again every this many tail ticks (30 s). */
const CHAIN_EVERY_TICKS = 10;

/** "Page 3": with cursors the total is unknown, so the paginator shows no "of N". */
function pagesByCursor(): MatPaginatorIntl {
  const intl = new MatPaginatorIntl();
  intl.itemsPerPageLabel = 'Events per page';
  intl.nextPageLabel = 'Older events';
  intl.previousPageLabel = 'Newer events';
  intl.getRangeLabel = (page) => `Page ${page + 1}`;
  return intl;
}

/** `/admin`: token login, the audit log with filters, paging and a live tail, users, chain status. */
@Component({
  selector: 'app-admin-page',
  imports: [
    FormsModule,
    MatButton,
    MatCardModule,
    MatFormFieldModule,
    MatInput,
    MatSlideToggle,
    MatToolbar,
    LogTableComponent,
    KeyLogPanelComponent,
    MatPaginator,
    ThemeToggleComponent,
  ],
  providers: [{ provide: MatPaginatorIntl, useFactory: pagesByCursor }],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-toolbar class="bar">
      <h1 class="brand">FUV Secure Chat · Admin</h1>
      <span class="spacer"></span>
      <app-theme-toggle />
      @if (api.signedIn()) {
        <button mat-button (click)="signOut()">Sign out</button>
      }
    </mat-toolbar>

    @if (!api.signedIn()) {
      <main class="login">
        <mat-card appearance="outlined">
          <mat-card-header
            ><mat-card-title
              >Administrator sign-in</mat-card-title
            ></mat-card-header
          >
          <mat-card-content>
            <form (ngSubmit)="signIn()">
              <mat-form-field appearance="outline" class="full">
                <mat-label>Admin token</mat-label>
                <input
                  matInput
                  type="password"
                  name="token"
                  autocomplete="off"
                  data-testid="admin-token-input"
                  [(ngModel)]="token"
                />
                <mat-hint
                  >Printed once by the server on first start, or
                  ADMIN_TOKEN.</mat-hint
                >
              </mat-form-field>
              <button
                mat-flat-button
                type="submit"
                data-testid="admin-login-button"
              >
                Sign in
              </button>
            </form>
          </mat-card-content>
        </mat-card>
      </main>
    } @else {
      <main class="dashboard">
        <section
          class="chain"
          [class.broken]="report() && !report()!.intact"
          data-testid="chain-status"
          aria-live="polite"
        >
          @if (report(); as r) {
            @if (r.intact) {
              <strong>Chain verified up to #{{ r.verifiedUpTo }}</strong>
              <span
                >({{ r.rowsChecked }} rows, {{ r.checkpointsChecked }} signed
                checkpoints, {{ r.elapsedMs }} ms; checked at
                {{ checkedAt() }})</span
              >
            } @else {
              <strong
                >Chain broken{{
                  r.firstBreak ? ' at #' + r.firstBreak.id : ''
                }}</strong
              >
              <span>{{ r.firstBreak?.message }}</span>
              @for (p of r.checkpointProblems; track p.id) {
                <span>{{ p.message }}</span>
              }
              <span>Verified up to #{{ r.verifiedUpTo }}.</span>
            }
          } @else {
            <span>Verifying the audit chain…</span>
          }
          <button mat-button (click)="verify()">Verify now</button>
        </section>

        <section class="users">
          <h2>Online ({{ users().length }})</h2>
          <ul>
            @for (user of users(); track user.username) {
              <li data-testid="admin-user-row">
                <bdi>{{ user.username }}</bdi>
                <span
                  class="state"
                  data-testid="admin-user-state"
                  [class.away]="!user.connected"
                  >{{ user.connected ? 'online' : 'reconnecting' }}</span
                >
                <span class="meta"
                  >since
                  <time [attr.datetime]="user.since" [title]="user.since">{{
                    local(user.since)
                  }}</time>
                  · {{ user.address }}</span
                >
                <button
                  mat-button
                  data-testid="admin-kick-button"
                  (click)="kick(user.username)"
                >
                  Kick
                </button>
              </li>
            } @empty {
              <li class="meta">Nobody is online.</li>
            }
          </ul>
        </section>

        <section class="keys">
          <app-key-log-panel #keyLog (release)="release($event, keyLog)" />
        </section>

        <section class="logs">
          <form class="filters" (ngSubmit)="applyFilters()">
            <mat-form-field appearance="outline" subscriptSizing="dynamic">
              <mat-label>Type</mat-label>
              <input
                matInput
                name="type"
                data-testid="log-filter-type"
                [(ngModel)]="filters.type"
                placeholder="login_accepted"
              />
            </mat-form-field>
            <mat-form-field appearance="outline" subscriptSizing="dynamic">
              <mat-label>User</mat-label>
              <input
                matInput
                name="user"
                data-testid="log-filter-user"
                [(ngModel)]="filters.user"
              />
            </mat-form-field>
            <mat-form-field appearance="outline" subscriptSizing="dynamic">
              <mat-label>From</mat-label>
              <input
                matInput
                type="datetime-local"
                name="from"
                [(ngModel)]="filters.from"
              />
            </mat-form-field>
            <mat-form-field appearance="outline" subscriptSizing="dynamic">
              <mat-label>To</mat-label>
              <input
                matInput
                type="datetime-local"
                name="to"
                [(ngModel)]="filters.to"
              />
            </mat-form-field>
            <button mat-flat-button type="submit">Filter</button>
            <mat-slide-toggle
              [checked]="live()"
              (change)="live.set($event.checked)"
              >Live tail</mat-slide-toggle
            >
          </form>
          <app-log-table [events]="events()" />
          <mat-paginator
            aria-label="Audit log pages, newest first"
            [length]="pagerLength()"
            [pageIndex]="cursors().length"
            [pageSize]="pageSize()"
            [pageSizeOptions]="[25, 50, 100]"
            (page)="onPage($event)"
          />
        </section>
      </main>
    }
  `,
  styles: `
    .bar {
      gap: 12px;
    }
    /* the page's one level-one heading, sized as the toolbar's title */
    .brand {
      margin: 0;
      font: inherit;
      font-weight: 700;
    }
    .spacer {
      flex: 1;
    }
    .login {
      display: grid;
      place-items: center;
      padding: 32px 16px;
    }
    .login mat-card {
      width: min(440px, 100%);
    }
    .login form {
      display: flex;
      flex-direction: column;
      gap: 16px;
      margin-top: 16px;
    }
    .full {
      width: 100%;
    }
    .dashboard {
      padding: 16px;
      display: grid;
      gap: 16px;
    }
    .chain {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      padding: 12px 16px;
      border-radius: 8px;
      background: var(--app-ok-container);
      color: var(--app-ok);
    }
    .chain.broken {
      background: var(--app-bad-container);
      color: var(--app-bad);
    }
    .users ul {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .users li {
      display: flex;
      gap: 12px;
      align-items: center;
      flex-wrap: wrap;
      padding: 4px 0;
    }
    .meta {
      font-size: 12px;
      opacity: 0.75;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      margin-bottom: 8px;
    }
    .logs {
      overflow-x: auto;
    }
    .state {
      padding: 0 8px;
      border-radius: 10px;
      font-size: 12px;
      background: var(--app-ok-container);
      color: var(--app-ok);
    }
    .state.away {
      background: var(--app-waiting-container);
      color: var(--app-waiting);
    }
  `,
})
export class AdminPageComponent {
  readonly api = inject(AdminApiService);
  private readonly notify = inject(NotifyService);
  private readonly destroyRef = inject(DestroyRef);

  token = '';
  filters: LogFilters = {};
  private applied: LogFilters = {};
  readonly events = signal<AuditEventPayload[]>([]);
  readonly users = signal<AdminUserPayload[]>([]);
  readonly report = signal<ChainReportPayload | undefined>(undefined);
  readonly live = signal(true);
  /** Cursors of the newer pages we came from; empty on the newest page. */
  readonly cursors = signal<(number | undefined)[]>([]);
  readonly next = signal<number | null>(null);
  readonly pageSize = signal(PAGE_SIZE);
  /** Pages are read by cursor (the total is unknown): one more page exists while `next` does. */
  readonly pagerLength = computed(
    () =>
      (this.cursors().length + 1) * this.pageSize() +
      (this.next() === null ? 0 : 1),
  );
  readonly checkedAt = signal('');
  readonly local = localDateTime;
  private current?: number;
  private ticks = 0;

  constructor() {
    interval(TAIL_MS)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => {
        if (!this.api.signedIn() || !this.live()) return;
        this.loadUsers();
        if (this.cursors().length === 0) this.loadLogs(undefined);
        // the chain's status stays current too, without flickering back to "verifying"
        if (++this.ticks % CHAIN_EVERY_TICKS === 0) this.checkChain();
      });
  }

  async signIn(): Promise<void> {
    if (await this.api.signIn(this.token.trim())) {
      this.token = '';
      this.refresh();
    }
  }

  signOut(): void {
    this.api.signOut();
    this.events.set([]);
    this.users.set([]);
    this.report.set(undefined);
  }

  refresh(): void {
    this.loadUsers();
    this.loadLogs(undefined);
    this.verify();
  }

  verify(): void {
    this.report.set(undefined);
    this.checkChain();
  }

  onPage(event: PageEvent): void {
    if (event.pageSize !== this.pageSize()) {
      this.pageSize.set(event.pageSize);
      this.cursors.set([]);
      this.loadLogs(undefined);
    } else if (event.pageIndex > (event.previousPageIndex ?? 0)) this.older();
    else this.newer();
  }

  release(username: string, panel: KeyLogPanelComponent): void {
    this.api.release(username).subscribe(() => {
      this.notify.info(
        `${username} was released: the name's next owner will be a new key.`,
      );
      void panel.load();
      this.loadUsers();
    });
  }

  kick(username: string): void {
    this.api.kick(username).subscribe(() => {
      this.notify.info(`${username} was removed from the chat.`);
      this.loadUsers();
    });
  }

  applyFilters(): void {
    const local = (value?: string) =>
      value ? new Date(value).toISOString() : undefined;
    this.applied = {
      type: this.filters.type?.trim() || undefined,
      user: this.filters.user?.trim() || undefined,
      from: local(this.filters.from),
      to: local(this.filters.to),
    };
    this.cursors.set([]);
    this.loadLogs(undefined);
  }

  older(): void {
    const next = this.next();
    if (next === null) return;
    this.cursors.update((stack) => [...stack, this.current]);
    this.loadLogs(next);
  }

  newer(): void {
    const stack = this.cursors();
    if (stack.length === 0) return;
    this.cursors.set(stack.slice(0, -1));
    this.loadLogs(stack[stack.length - 1]);
  }

  private loadLogs(before: number | undefined): void {
    this.current = before;
    this.api.logs(this.applied, this.pageSize(), before).subscribe((page) => {
      this.events.set(page.events);
      this.next.set(page.nextBefore);
    });
  }

  private checkChain(): void {
    this.api.verify().subscribe((report) => {
      this.report.set(report);
      this.checkedAt.set(formatClock(new Date()));
    });
  }

  private loadUsers(): void {
    this.api.users().subscribe((users) => this.users.set(users));
  }
}
