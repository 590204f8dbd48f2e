import {
  DestroyRef,
  Injectable,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import {
  ClientEvent,
  ErrorCode,
  ServerEvent,
  USERNAME_PROBLEM_MESSAGES,
  type UserPayload,
  checkUsername,
} from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { SocketService } from '../core/realtime/socket.service';

/** Who I am and who is online, folded from the server's session events. */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly socket = inject(SocketService);
  private readonly notify = inject(NotifyService);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  /** Reclaims the name after a dropped connection; kept in memory only, never in storage. */
  private resumeToken?: string;

  readonly username = signal<string | undefined>(undefined);
  readonly users = signal<UserPayload[]>([]);
  readonly pending = signal(false);
  readonly loggedIn = computed(() => this.username() !== undefined);

  constructor() {
    this.socket
      .on(ServerEvent.SessionJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((joined) => {
        this.resumeToken = joined.resumeToken;
        this.username.set(joined.username);
        this.users.set(joined.users);
        this.pending.set(false);
        if (joined.resumed)
          this.notify.info(`Reconnected as ${joined.username}.`);
        else void this.router.navigateByUrl('/chat');
      });
    this.socket
      .on(ServerEvent.UserJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ user }) =>
        this.users.update((users) => [
          ...users.filter((u) => u.username !== user.username),
          user,
        ]),
      );
    this.socket
      .on(ServerEvent.UserLeft)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ username }) =>
        this.users.update((users) =>
          users.filter((u) => u.username !== username),
        ),
      );
    this.socket
      .on(ServerEvent.Exception)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((error) => {
        if (error.event === ClientEvent.SessionLogin) this.pending.set(false);
        // the name is gone (expired, never held, or an administrator removed us): log in again
        if (
          error.event === ClientEvent.SessionResume ||
          error.code === ErrorCode.NotLoggedIn ||
          error.code === ErrorCode.Kicked
        )
          this.forget();
      });
    // after a reconnect the new channel has no user yet: take the held name back
    this.socket.connected$
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => {
        if (this.resumeToken)
          void this.socket.send(ClientEvent.SessionResume, {
            token: this.resumeToken,
          });
      });
  }

  async login(requested: string): Promise<void> {
    const check = checkUsername(requested);
    if (!check.ok) {
      this.notify.error(USERNAME_PROBLEM_MESSAGES[check.problem]);
      return;
    }
    this.pending.set(true);
    if (
      !(await this.socket.send(ClientEvent.SessionLogin, {
        username: check.username,
      }))
    ) {
      this.pending.set(false);
    }
  }

  async logout(): Promise<void> {
    await this.socket.send(ClientEvent.SessionLogout, {});
    this.forget();
  }

  private forget(): void {
    const wasLoggedIn = this.loggedIn();
    this.resumeToken = undefined;
    this.username.set(undefined);
    this.users.set([]);
    if (wasLoggedIn) void this.router.navigateByUrl('/');
  }
}
