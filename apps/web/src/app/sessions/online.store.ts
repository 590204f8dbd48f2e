import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  ClientEvent,
  Limits,
  OnlineList,
  type SealedServerEvent,
  ServerEvent,
  type UserPayload,
  type UsersPageRequest,
  usernameMatches,
} from '@app/shared';

import { SocketService } from '../core/realtime/socket.service';

/**
 * Who is online, as far as it is loaded: the welcome's first page, more pages as the list is
 * scrolled, and a search the server answers while the list is not all loaded (a room of
 * thousands is never fetched whole). Joins and leaves keep both current.
 */
@Injectable({ providedIn: 'root' })
export class OnlineStore {
  private readonly socket = inject(SocketService);
  private readonly destroyRef = inject(DestroyRef);
  private list = new OnlineList();
  /** The server's search, while the filter box holds text and the list is not all loaded. */
  private search?: OnlineList;
  /** The page request in flight (one at a time; its answer or a new welcome clears it). */
  private asked?: string;

  /** The users loaded, in the list's order. */
  readonly users = signal<readonly UserPayload[]>([]);
  /** Everyone online, loaded or not. */
  readonly online = signal(0);
  /** What the filter box holds. */
  readonly filter = signal('');
  /** What the list shows: the users loaded, or those the filter finds. */
  readonly shown = signal<readonly UserPayload[]>([]);
  /** A search is waiting for its first page. */
  readonly searching = signal(false);

  constructor() {
    const on = <E extends SealedServerEvent>(event: E) =>
      this.socket.on(event).pipe(takeUntilDestroyed(this.destroyRef));
    on(ServerEvent.SessionJoined).subscribe((joined) => {
      // a new session: whatever was loaded or searched may have changed meanwhile
      this.list.reset(joined);
      this.search = undefined;
      this.asked = undefined;
      this.find(this.filter());
    });
    on(ServerEvent.UsersPage).subscribe((page) => {
      if (this.search?.page(page) || this.list.page(page)) {
        this.asked = undefined;
        this.update();
      }
    });
    on(ServerEvent.UserJoined).subscribe(({ user }) => {
      this.list.joined(user);
      this.search?.joined(user);
      this.update();
    });
    on(ServerEvent.UserLeft).subscribe(({ username }) => {
      this.list.left(username);
      this.search?.left(username);
      this.update();
    });
  }

  /** Shows the users whose name contains `text` (all of them when it is empty). */
  find(text: string): void {
    this.filter.set(text);
    const filter = text.trim();
    // no name is longer than a username may be: a longer text finds nobody, here as there
    const local =
      !filter ||
      this.list.complete ||
      Array.from(filter).length > Limits.usernameMaxChars;
    if (local) this.search = undefined;
    else if (this.search?.filter !== filter) {
      this.search = new OnlineList(filter);
      this.asked = undefined;
      this.ask(this.search.next());
    }
    this.update();
  }

  /** The list was scrolled near its end: load the next page, if one follows. */
  more(): void {
    this.ask((this.search ?? this.list).next());
  }

  private ask(request: UsersPageRequest | undefined): void {
    const key = request && JSON.stringify(request);
    if (!request || key === this.asked) return;
    this.asked = key;
    void this.socket.send(ClientEvent.UsersPage, request);
  }

  private update(): void {
    const filter = this.filter().trim();
    this.users.set(this.list.users);
    this.online.set(this.list.online);
    this.searching.set(
      !!this.search && this.search.users.length === 0 && !this.search.complete,
    );
    this.shown.set(
      this.search
        ? this.search.users
        : filter
          ? this.list.users.filter((u) => usernameMatches(u.username, filter))
          : this.list.users,
    );
  }
}
