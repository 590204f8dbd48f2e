import {
  DestroyRef,
  Injectable,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import { Subject } from 'rxjs';
import {
  ClientEvent,
  type Rejoin,
  ServerEvent,
  SessionKeeper,
  USERNAME_PROBLEM_MESSAGES,
  checkUsername,
} from '@app/shared';

import { KeyLogService } from '../core/identity/key-log.service';
import { NotifyService } from '../core/notify/notify.service';
import { SocketService } from '../core/realtime/socket.service';

/** Who I am, folded from the server's session events (who else is online: `OnlineStore`). */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly socket = inject(SocketService);
  private readonly notify = inject(NotifyService);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private readonly keyLog = inject(KeyLogService);
  /** Our hold on the name across dropped connections (in memory only, never in storage). */
  private readonly keeper = new SessionKeeper();

  readonly username = signal<string | undefined>(undefined);
  readonly pending = signal(false);
  readonly loggedIn = computed(() => this.username() !== undefined);
  /** Logged in on the current channel (after a reconnect: once the resume is confirmed). */
  readonly joined = signal(false);
  /** Each join that confirmed our own name (never the server's word alone: E67). */
  private readonly confirmed = new Subject<string>();
  readonly confirmed$ = this.confirmed.asObservable();

  constructor() {
    this.socket
      .on(ServerEvent.SessionJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((joined) => {
        if (!this.keeper.confirms(joined)) {
          this.refuseJoin(joined.username);
          return;
        }
        const back = this.keeper.joined(joined);
        this.username.set(joined.username);
        this.joined.set(true);
        this.pending.set(false);
        this.confirmed.next(joined.username);
        // the log must still bind our name to this browser's key (E57), checked at every join
        // and every 10 minutes (E66)
        this.keyLog.watchOwnName(joined.username);
        if (back) this.notify.info(`Reconnected as ${joined.username}.`);
        else void this.router.navigateByUrl('/chat');
      });
    this.socket
      .on(ServerEvent.Exception)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((error) => {
        if (error.event === ClientEvent.SessionLogin) this.pending.set(false);
        // the held name expired (a long outage, a server restart): claimed again, keeping our
        // place; gone (taken meanwhile, or an administrator removed us): log in again
        const step = this.keeper.refused(error);
        if (step === 'gone') this.forget();
        else if (step) this.rejoin(step);
      });
    // after a reconnect the new channel has no user yet: take the held name back
    this.socket.connected$
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => {
        this.joined.set(false);
        const step = this.keeper.reconnected();
        if (step) this.rejoin(step);
      });
  }

  /** Notes a public message we now hold (the catch-up after a reconnect starts after it). */
  noteMessage(id: number): void {
    this.keeper.heard(id);
  }

  async login(requested: string): Promise<void> {
    const check = checkUsername(requested);
    if (!check.ok) {
      this.notify.error(USERNAME_PROBLEM_MESSAGES[check.problem]);
      return;
    }
    this.pending.set(true);
    this.keeper.asking(check.username);
    if (!(await this.socket.login({ username: check.username }))) {
      this.pending.set(false);
    }
  }

  async logout(): Promise<void> {
    await this.socket.send(ClientEvent.SessionLogout, {});
    this.forget();
  }

  /**
   * The server signed us in under a name we did not ask for: nothing of ours (key packages, the
   * name our key certifies) goes out under it; we leave and say so (E67).
   */
  private refuseJoin(answered: string): void {
    this.pending.set(false);
    void this.socket.send(ClientEvent.SessionLogout, {});
    this.forget();
    this.notify.error(
      `The server signed you in as "${answered.slice(0, 32)}", not under the name you chose; you were signed out and nothing was sent.`,
    );
  }

  private rejoin(step: Rejoin): void {
    if ('resume' in step)
      void this.socket.send(ClientEvent.SessionResume, step.resume);
    else void this.socket.login(step.login);
  }

  private forget(): void {
    const wasLoggedIn = this.loggedIn();
    this.keeper.forget();
    this.keyLog.forgetOwnName();
    this.joined.set(false);
    this.username.set(undefined);
    if (wasLoggedIn) void this.router.navigateByUrl('/');
  }
}
