import {
  DestroyRef,
  Injectable,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  ServerEvent,
  type UserPayload,
  compareUsernames,
  sameUsername,
  usernameMatches,
} from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { SocketService } from '../core/realtime/socket.service';
import { SessionStore } from '../sessions/session.store';

/** After a private conversation, a public file asks first for this long (issue 30). */
export const PUBLIC_FILE_CONFIRM_MS = 60_000;

/** The person a plain message or a file goes to, and whether they are online as far as known. */
export interface Recipient {
  name: string;
  online: boolean;
}

/**
 * Who the compose box, 📎 and drops send to. A choice of recipient never widens on its own
 * (issue 30): it changes only by the user's own action (choosing someone in the list, "Send
 * publicly instead", signing out). When the chosen person goes offline (leaves, drops, is
 * kicked, their name is released) they stay chosen, shown offline, and a send to them is
 * refused here with a notice; when they come back the conversation is theirs again (their key
 * is checked again by `ContactsStore`, so a changed key runs the key-change flow).
 */
@Injectable({ providedIn: 'root' })
export class RecipientStore {
  private readonly session = inject(SessionStore);
  private readonly notify = inject(NotifyService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly chosen = signal<Recipient | undefined>(undefined);
  /** Until when (epoch ms) a public file asks for confirmation: a private choice was just left. */
  private privateUntil = 0;
  /** For tests: the clock. */
  now = () => Date.now();

  /** Who a plain message goes to privately; undefined: the public room. */
  readonly current = this.chosen.asReadonly();
  readonly name = computed(() => this.chosen()?.name);

  constructor() {
    const socket = inject(SocketService);
    socket
      .on(ServerEvent.UserLeft)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ username }) => this.presence(username, false));
    socket
      .on(ServerEvent.UserJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ user }) => this.presence(user.username, true));
    // my own (re)join: its first page says who is online now; a chosen person beyond it keeps
    // the state the leaves and joins gave them (the server refuses a private send to someone
    // offline in any case, so nothing can widen)
    socket
      .on(ServerEvent.SessionJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ users, more }) => {
        const chosen = this.chosen();
        if (!chosen) return;
        if (users.some((u) => sameUsername(u.username, chosen.name)))
          this.presence(chosen.name, true);
        else if (!more) this.presence(chosen.name, false);
      });
    // signed out (or removed, or the session is gone): the next sign-in starts with no choice
    effect(() => {
      if (this.session.username() === undefined) untracked(() => this.clear());
    });
  }

  /** The user chose someone in the list (themselves, or the one already chosen: no change). */
  choose(name: string): void {
    const me = this.session.username();
    if (me !== undefined && sameUsername(name, me)) return;
    const chosen = this.chosen();
    if (chosen && sameUsername(chosen.name, name)) return;
    // only people online are listed, besides the chosen one
    this.chosen.set({ name, online: true });
  }

  /** "Send publicly instead": the user's own choice to address the room. */
  sendPublicly(): void {
    if (!this.chosen()) return;
    this.chosen.set(undefined);
    this.privateUntil = this.now() + PUBLIC_FILE_CONFIRM_MS;
  }

  /** Signed out: no choice, and no private conversation to remember. */
  clear(): void {
    this.chosen.set(undefined);
    this.privateUntil = 0;
  }

  /**
   * True (and the user told why) when `to` is the chosen person and they are offline: the send
   * is refused, and nothing goes to anyone else. Worded as the server's refusal.
   */
  refuses(to: string, what: 'message' | 'file'): boolean {
    const chosen = this.chosen();
    if (!chosen || chosen.online || !sameUsername(chosen.name, to))
      return false;
    this.notify.error(
      what === 'message'
        ? `${chosen.name} is not online; the message was not sent.`
        : `${chosen.name} is not online; nothing was sent.`,
    );
    return true;
  }

  /** The user confirmed a public file: they address the room now, no more asking. */
  publicConfirmed(): void {
    this.privateUntil = 0;
  }

  /** A file about to go to the public room should be confirmed first: a private choice was just left. */
  confirmsPublicFile(): boolean {
    return !this.chosen() && this.now() < this.privateUntil;
  }

  /**
   * The user list as shown: `users` (in the list's order) with the chosen person kept in it
   * while offline, where they belong (unless the filter leaves them out).
   */
  listed(
    users: readonly UserPayload[],
    filter: string,
  ): readonly UserPayload[] {
    const chosen = this.chosen();
    if (!chosen || chosen.online) return users;
    if (filter.trim() && !usernameMatches(chosen.name, filter.trim()))
      return users;
    if (users.some((u) => sameUsername(u.username, chosen.name))) return users;
    const at = users.findIndex(
      (u) => compareUsernames(u.username, chosen.name) > 0,
    );
    const list = users.slice();
    list.splice(at < 0 ? list.length : at, 0, {
      username: chosen.name,
      since: '',
    });
    return list;
  }

  private presence(username: string, online: boolean): void {
    const chosen = this.chosen();
    if (!chosen || !sameUsername(chosen.name, username)) return;
    if (chosen.online !== online) this.chosen.set({ ...chosen, online });
  }
}
