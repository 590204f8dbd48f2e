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

import { KeyLogService } from '../core/identity/key-log.service';
import { NotifyService } from '../core/notify/notify.service';
import { SocketService } from '../core/realtime/socket.service';

/** Who I am and who is online, folded from the server's session events. */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly socket = inject(SocketService);
  private readonly notify = inject(NotifyService);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private readonly keyLog = inject(KeyLogService);
  /** Reclaims the name after a dropped connection; kept in memory only, never in storage. */
  private resumeToken?: string;
  /** The last public message we hold: every (re)join asks for what came after it. */
  private lastMessageId?: number;
  /** Logging in again under our name because the server no longer held it (e.g. after a restart). */
  private rejoining = false;

  readonly username = signal<string | undefined>(undefined);
  readonly users = signal<UserPayload[]>([]);
  readonly pending = signal(false);
  readonly loggedIn = computed(() => this.username() !== undefined);
  /** Logged in on the current channel (after a reconnect: once the resume is confirmed). */
  readonly joined = signal(false);

  constructor() {
    this.socket
      .on(ServerEvent.SessionJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((joined) => {
        this.resumeToken = joined.resumeToken;
        this.username.set(joined.username);
        this.joined.set(true);
        this.users.set(joined.users);
        this.pending.set(false);
        // the log must still bind our name to this browser's key (E57)
        if (!joined.resumed) void this.keyLog.checkOwnName(joined.username);
        if (joined.resumed || this.rejoining)
          this.notify.info(`Reconnected as ${joined.username}.`);
        else void this.router.navigateByUrl('/chat');
        this.rejoining = false;
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
        // the held name expired (a long outage, a server restart): claim it again, keeping our place
        const username = this.username();
        if (
          error.event === ClientEvent.SessionResume &&
          error.code === ErrorCode.ResumeFailed &&
          username
        ) {
          this.rejoining = true;
          this.resumeToken = undefined;
          void this.socket.login({
            username,
            lastMessageId: this.lastMessageId,
          });
          return;
        }
        // the name is gone (taken meanwhile, or an administrator removed us): log in again
        if (
          (error.event === ClientEvent.SessionLogin && this.rejoining) ||
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
        this.joined.set(false);
        if (this.resumeToken)
          void this.socket.send(ClientEvent.SessionResume, {
            token: this.resumeToken,
            lastMessageId: this.lastMessageId,
          });
      });
  }

  /** Notes a public message we now hold (the catch-up after a reconnect starts after it). */
  noteMessage(id: number): void {
    if (this.lastMessageId === undefined || id > this.lastMessageId)
      this.lastMessageId = id;
  }

  async login(requested: string): Promise<void> {
    const check = checkUsername(requested);
    if (!check.ok) {
      this.notify.error(USERNAME_PROBLEM_MESSAGES[check.problem]);
      return;
    }
    this.pending.set(true);
    if (!(await this.socket.login({ username: check.username }))) {
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
    this.lastMessageId = undefined;
    this.rejoining = false;
    this.joined.set(false);
    this.username.set(undefined);
    this.users.set([]);
    if (wasLoggedIn) void this.router.navigateByUrl('/');
  }
}
