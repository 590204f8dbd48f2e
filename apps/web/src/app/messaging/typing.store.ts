import {
  DestroyRef,
  Injectable,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ClientEvent, Limits, ServerEvent, typingAudience } from '@app/shared';
import { merge } from 'rxjs';

import { SocketService } from '../core/realtime/socket.service';
import { SessionStore } from '../sessions/session.store';

interface Typist {
  private: boolean;
  until: number;
}

/** "alice is typing…": who is, from the server's notices, and telling others when I am. */
@Injectable({ providedIn: 'root' })
export class TypingStore {
  private readonly socket = inject(SocketService);
  private readonly session = inject(SessionStore);
  private readonly typists = signal<ReadonlyMap<string, Typist>>(new Map());
  /** When I last told each audience ('' the room, else a name). */
  private readonly told = new Map<string, number>();
  private expiry?: ReturnType<typeof setTimeout>;

  /** One line for the bottom of the chat, or '' when nobody is typing. */
  readonly notice = computed(() => {
    const typists = [...this.typists()];
    const room = typists.filter(([, t]) => !t.private).map(([name]) => name);
    const toMe = typists.filter(([, t]) => t.private).map(([name]) => name);
    return [
      room.length
        ? `${names(room)} ${room.length > 1 ? 'are' : 'is'} typing…`
        : '',
      toMe.length
        ? `${names(toMe)} ${toMe.length > 1 ? 'are' : 'is'} typing a private message to you…`
        : '',
    ]
      .filter(Boolean)
      .join(' ');
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.socket
      .on(ServerEvent.UserTyping)
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((notice) => {
        const next = new Map(this.typists());
        next.set(notice.from, {
          private: notice.private,
          until: Date.now() + Limits.typingShownMs,
        });
        this.set(next);
      });
    // whoever sent a message or left has stopped typing
    merge(
      this.socket.on(ServerEvent.MessageCreated),
      this.socket.on(ServerEvent.PrivateMessageCreated),
    )
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(({ from }) => {
        this.stopped(from);
        // my message ended my typing there: the next keystroke is news again
        if (from === this.session.username()) this.told.clear();
      });
    this.socket
      .on(ServerEvent.UserLeft)
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(({ username }) => this.stopped(username));
    destroyRef.onDestroy(() => clearTimeout(this.expiry));
  }

  /** The compose box holds `text` now: tell its audience, at most once per interval. */
  typed(text: string, recipient: string | undefined): void {
    const audience = typingAudience(text, recipient);
    if (!audience || !this.session.joined()) return;
    if (this.socket.status() !== 'connected') return;
    const key = audience.to ?? '';
    const now = Date.now();
    if (now - (this.told.get(key) ?? 0) < Limits.typingEveryMs) return;
    this.told.set(key, now);
    void this.socket.send(ClientEvent.Typing, audience);
  }

  private stopped(name: string): void {
    if (!this.typists().has(name)) return;
    const next = new Map(this.typists());
    next.delete(name);
    this.set(next);
  }

  /** Keeps the live ones and wakes up when the next one expires. */
  private set(typists: Map<string, Typist>): void {
    const now = Date.now();
    for (const [name, typist] of typists)
      if (typist.until <= now) typists.delete(name);
    this.typists.set(typists);
    clearTimeout(this.expiry);
    const next = Math.min(...[...typists.values()].map((t) => t.until));
    if (Number.isFinite(next))
      this.expiry = setTimeout(
        () => this.set(new Map(this.typists())),
        next - now,
      );
  }
}

/** "alice", "alice and bob", "alice, bob and 3 others". */
function names(list: string[]): string {
  if (list.length === 1) return list[0];
  if (list.length === 2) return `${list[0]} and ${list[1]}`;
  return `${list[0]}, ${list[1]} and ${list.length - 2} others`;
}
