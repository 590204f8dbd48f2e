import {
  DestroyRef,
  Injectable,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  ClientEvent,
  ErrorCode,
  Limits,
  type MessagePayload,
  Outbox,
  type Outgoing,
  type PrivateMessagePayload,
  type ReactionSummary,
  type SendPrivateMessagePayload,
  ServerEvent,
  parseComposeCommand,
  retryDelayMs,
} from '@app/shared';
import { concatMap, of } from 'rxjs';

import { DesktopNotifications } from '../core/notify/desktop-notifications.service';
import { NotifyService } from '../core/notify/notify.service';
import { ContactsStore } from '../contacts/contacts.store';
import { E2eeService, E2eeUnavailableError } from '../e2ee/e2ee.service';
import { SocketService } from '../core/realtime/socket.service';
import { EmojiService } from '../emoji/emoji.service';
import { FilesStore } from '../files/files.store';
import { SessionStore } from '../sessions/session.store';
import type { ChatEntry, ReactionView } from './chat-entry.model';
import { mentions } from './mentions';
import { RecipientStore } from './recipient.store';

/** Bounds a long session's history (the list renders only the rows in view, so 10,000 stay smooth). */
const MAX_ENTRIES = 10_000;

/** Time order: ISO 8601 times in UTC sort as plain text (and much faster than `localeCompare`). */
function byTime(a: ChatEntry, b: ChatEntry): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
}

/** Whether `entries` is in time order from `from - 1` on (the part before is known to be). */
function inOrder(entries: readonly ChatEntry[], from: number): boolean {
  for (let i = Math.max(1, from); i < entries.length; i++)
    if (entries[i - 1].at > entries[i].at) return false;
  return true;
}

function pendingEntry(item: Outgoing, from: string): ChatEntry {
  return {
    key: `c${item.payload.clientId}`,
    kind: item.event === ClientEvent.MessageSend ? 'global' : 'private',
    at: new Date().toISOString(),
    from,
    to:
      item.event === ClientEvent.PrivateMessageSend
        ? item.payload.to
        : undefined,
    text: item.payload.text,
    mine: true,
    clientId: item.payload.clientId,
    status: 'pending',
  };
}

function publicEntry(message: MessagePayload, me?: string): ChatEntry {
  return {
    key: `g${message.id}`,
    kind: 'global',
    at: message.at,
    from: message.from,
    text: message.text,
    mine: message.from === me,
    mentionsMe: message.from !== me && mentions(message.text, me),
    messageId: message.id,
  };
}

/**
 * Who gave one emoji: the names known, and how many more gave it unnamed (history names only
 * the first few of a crowd, L69). Replaced, never changed in place.
 */
interface Givers {
  users: ReadonlySet<string>;
  others: number;
}

/** Who gave which emoji, per entry key. */
type Reactions = ReadonlyMap<string, ReadonlyMap<string, Givers>>;

function withReaction(
  all: Reactions,
  key: string,
  emoji: string,
  user: string,
  on: boolean,
): Reactions {
  const emojis = new Map(all.get(key));
  const before = emojis.get(emoji);
  const users = new Set(before?.users);
  let others = before?.others ?? 0;
  if (on) users.add(user);
  else if (!users.delete(user)) others = Math.max(0, others - 1);
  if (users.size + others > 0) emojis.set(emoji, { users, others });
  else emojis.delete(emoji);
  const next = new Map(all);
  next.set(key, emojis);
  return next;
}

/** What history says one message carries now. */
function givers(reactions: readonly ReactionSummary[]): Map<string, Givers> {
  return new Map(
    reactions.map((r) => {
      const users = new Set(r.users);
      return [
        r.emoji,
        { users, others: Math.max(0, (r.count ?? users.size) - users.size) },
      ];
    }),
  );
}

/** The history as the user sees it, folded from message and presence events. */
@Injectable({ providedIn: 'root' })
export class MessagingStore {
  private readonly socket = inject(SocketService);
  private readonly contacts = inject(ContactsStore);
  private readonly e2ee = inject(E2eeService);
  private readonly session = inject(SessionStore);
  private readonly notify = inject(NotifyService);
  private readonly desktop = inject(DesktopNotifications);
  private readonly emoji = inject(EmojiService);
  private readonly destroyRef = inject(DestroyRef);
  private systemSeq = 0;
  /** Sent messages not yet confirmed by the server: resent after every (re)join. */
  private readonly outbox = new Outbox();

  readonly entries = signal<ChatEntry[]>([]);
  private readonly files = inject(FilesStore);
  /** Messages, presence and file transfers in one time-ordered history. */
  readonly timeline = computed<ChatEntry[]>(() => {
    const transfers = [...this.files.transfers().values()].map<ChatEntry>(
      (t) => ({
        key: `f${t.transferId}`,
        kind: 'file',
        at: t.at,
        from: t.from,
        to: t.to ?? undefined,
        text: t.name,
        transferId: t.transferId,
      }),
    );
    if (transfers.length === 0) return this.entries();
    return [...this.entries(), ...transfers].sort(byTime);
  });
  private readonly reactionSets = signal<Reactions>(new Map());
  /** The reactions under each entry (by its key), in the order they were first given. */
  readonly reactions = computed(() => {
    const me = this.session.username();
    const views = new Map<string, ReactionView[]>();
    for (const [key, emojis] of this.reactionSets()) {
      const list = [...emojis].map(([emoji, { users, others }]) => ({
        emoji,
        count: users.size + others,
        mine: me !== undefined && users.has(me),
        users: [...users],
        others,
      }));
      if (list.length) views.set(key, list);
    }
    return views;
  });
  /** Who a plain message goes to (the rule that it never widens on its own is there). */
  private readonly recipients = inject(RecipientStore);

  constructor() {
    this.socket
      .on(ServerEvent.MessageHistory)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ messages }) => this.receivePublic(messages));
    this.socket
      .on(ServerEvent.MessageHistoryTruncated)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() =>
        this.system(
          new Date(0).toISOString(),
          'Older messages are not shown: you missed more than the server sends at once.',
        ),
      );
    this.socket
      .on(ServerEvent.MessageCreated)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((m) => {
        this.receivePublic([m]);
        if (
          m.from !== this.session.username() &&
          mentions(m.text, this.session.username())
        )
          this.desktop.show(`${m.from} mentioned you`, m.text);
      });
    // end-to-end ones are opened first, one at a time and in order: a message, or a reaction
    this.socket
      .on(ServerEvent.PrivateMessageCreated)
      .pipe(
        concatMap((m) =>
          m.e2ee
            ? this.e2ee.reveal(m, this.session.username(), (from) =>
                this.notify.error(
                  `A private message from ${from} could not be decrypted on this browser; ask them to send it again.`,
                ),
              )
            : of(this.refusePlaintext(m)),
        ),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((revealed) => {
        if (revealed && 'message' in revealed)
          this.receivePrivate(revealed.message);
        else if (revealed)
          this.reacted(`p${revealed.reaction.privateId}`, revealed.reaction);
      });
    // a reaction to a public message, to the entry it belongs to
    this.socket
      .on(ServerEvent.ReactionUpdated)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((r) => this.reacted(`g${r.messageId}`, r));
    // joined (again): whatever the server has not confirmed goes out, in order, same ids
    this.socket
      .on(ServerEvent.SessionJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => {
        for (const item of this.outbox.pending()) void this.transmit(item);
      });
    this.socket
      .on(ServerEvent.Exception)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((error) => {
        const item = this.outbox.refuse(error);
        if (!item) return;
        if (item.state === 'failed') {
          this.setStatus(item.payload.clientId, 'failed');
          return;
        }
        // "not now" (database busy, rate limited): try again a little later, same id
        setTimeout(() => {
          if (item.state === 'pending' && this.canSend())
            void this.transmit(item);
        }, retryDelayMs(item.attempts));
      });
    this.socket
      .on(ServerEvent.UserJoined)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ user, at }) =>
        this.system(at, `${user.username} joined the chat`),
      );
    this.socket
      .on(ServerEvent.UserLeft)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ username, at, reason }) => {
        this.system(
          at,
          reason === 'timeout'
            ? `${username} lost the connection and left`
            : `${username} left the chat`,
        );
      });
  }

  /** Sends what the compose box holds; returns whether it went out (so the box can clear). */
  async submit(input: string): Promise<boolean> {
    const command = parseComposeCommand(input, this.recipients.name());
    if (command.kind === 'invalid') {
      this.notify.error(command.reason);
      return false;
    }
    if (
      command.kind === 'private' &&
      (this.recipients.refuses(command.to, 'message') ||
        this.contacts.refuses(command.to))
    )
      return false;
    const length = Array.from(command.text).length;
    if (length > Limits.messageMaxChars) {
      this.notify.error(
        `The message is ${length} characters long; the limit is ${Limits.messageMaxChars}.`,
      );
      return false;
    }
    const clientId = crypto.randomUUID();
    // shortcodes typed or pasted anywhere in the text become emoji on send
    const text = await this.emoji.convert(command.text);
    const item = this.outbox.add(
      command.kind === 'private'
        ? {
            event: ClientEvent.PrivateMessageSend,
            payload: { clientId, to: command.to, text },
          }
        : { event: ClientEvent.MessageSend, payload: { clientId, text } },
    );
    // shown at once as "sending"; offline, it waits in the outbox for the next join
    this.merge([pendingEntry(item, this.session.username() ?? '')]);
    if (this.canSend()) void this.transmit(item);
    return true;
  }

  /** Sends a message that failed again, under the same client id (stored at most once). */
  retry(clientId: string): void {
    const item = this.outbox.retry(clientId);
    if (!item) return;
    this.setStatus(clientId, 'pending');
    if (this.canSend()) void this.transmit(item);
  }

  /** Adds my reaction to an entry, or takes it back if I had given that emoji. */
  react(entry: ChatEntry, emoji: string): void {
    const me = this.session.username();
    if (!me || !this.canSend()) {
      this.notify.error(
        'Not connected to the server; please wait and try again.',
      );
      return;
    }
    const on = !this.reactionSets().get(entry.key)?.get(emoji)?.users.has(me);
    if (entry.kind === 'global' && entry.messageId !== undefined)
      void this.socket.send(ClientEvent.ReactionSend, {
        messageId: entry.messageId,
        emoji,
        on,
      });
    else if (
      entry.kind === 'private' &&
      entry.privateId &&
      entry.from &&
      entry.to
    )
      void this.reactPrivately(entry.from === me ? entry.to : entry.from, me, {
        privateId: entry.privateId,
        emoji,
        on,
      });
  }

  /** A reaction to a private message travels end to end, like the message. */
  private async reactPrivately(
    to: string,
    me: string,
    reaction: { privateId: string; emoji: string; on: boolean },
  ): Promise<void> {
    try {
      const wire = await this.e2ee.sealReaction(to, me, reaction);
      await this.socket.send(ClientEvent.PrivateMessageSend, wire);
    } catch (error) {
      this.notify.error(
        error instanceof E2eeUnavailableError
          ? error.message
          : `Your reaction could not be sent to ${to}.`,
      );
    }
  }

  private reacted(
    key: string,
    r: { emoji: string; from: string; on: boolean },
  ): void {
    this.reactionSets.update((all) =>
      withReaction(all, key, r.emoji, r.from, r.on),
    );
  }

  clear(): void {
    for (const item of this.outbox.pending())
      this.outbox.discard(item.payload.clientId);
    this.entries.set([]);
    this.reactionSets.set(new Map());
    this.recipients.clear();
  }

  /** Only once joined on the current channel: before, messages wait in the outbox. */
  private canSend(): boolean {
    return this.session.joined() && this.socket.status() === 'connected';
  }

  private async transmit(item: Outgoing): Promise<boolean> {
    this.outbox.attempt(item.payload.clientId);
    if (item.event === ClientEvent.MessageSend)
      return this.socket.send(item.event, item.payload);
    // private: sealed end to end first (once: a resend carries the same ciphertext)
    let wire: SendPrivateMessagePayload;
    try {
      wire = await this.e2ee.seal(item.payload, this.session.username() ?? '');
    } catch (error) {
      if (!(error instanceof E2eeUnavailableError)) throw error;
      this.notify.error(error.message);
      this.outbox.refuse({
        code: ErrorCode.KeyPackageUnavailable,
        message: error.message,
        clientId: item.payload.clientId,
      });
      this.setStatus(item.payload.clientId, 'failed');
      return false;
    }
    return this.socket.send(item.event, wire);
  }

  /** Public messages from history or live; ours among them confirm what we sent. */
  private receivePublic(messages: MessagePayload[]): void {
    const me = this.session.username();
    for (const message of messages) {
      this.session.noteMessage(message.id);
      if (message.from === me) this.confirm(message.clientId);
    }
    // history says what each of its messages carries now
    const snapshots = messages.filter((m) => m.reactions);
    if (snapshots.length)
      this.reactionSets.update((all) => {
        const next = new Map(all);
        for (const m of snapshots)
          next.set(`g${m.id}`, givers(m.reactions ?? []));
        return next;
      });
    this.merge(messages.map((m) => publicEntry(m, me)));
  }

  /**
   * This client sends every private message end to end; one that arrives without it was made or
   * relabelled by the server, so it is never shown as coming from anyone (E63).
   */
  private refusePlaintext(m: PrivateMessagePayload): undefined {
    this.notify.error(
      `A private message said to be from ${m.from.slice(0, 32)} arrived without end-to-end encryption; it was not shown.`,
    );
    return undefined;
  }

  private receivePrivate(m: PrivateMessagePayload): void {
    const mine = m.from === this.session.username();
    if (mine) this.confirm(m.clientId);
    else this.desktop.show(`Private message from ${m.from}`, m.text);
    this.merge([
      {
        key: `p${m.id}`,
        privateId: m.id,
        kind: 'private',
        at: m.at,
        from: m.from,
        to: m.to,
        text: m.text,
        mine,
        e2ee: m.e2ee !== undefined,
      },
    ]);
  }

  /** The server's copy replaces the "sending" line. */
  private confirm(clientId: string): void {
    if (!this.outbox.acknowledge(clientId)) return;
    this.entries.update((entries) =>
      entries.filter((e) => e.key !== `c${clientId}`),
    );
  }

  private setStatus(clientId: string, status: 'pending' | 'failed'): void {
    this.entries.update((entries) =>
      entries.map((e) => (e.key === `c${clientId}` ? { ...e, status } : e)),
    );
  }

  private system(at: string, text: string): void {
    this.merge([{ key: `s${this.systemSeq++}`, kind: 'system', at, text }]);
  }

  /** Adds entries not seen yet (history after a resume overlaps), keeping time order. */
  private merge(incoming: ChatEntry[]): void {
    if (incoming.length === 0) return;
    this.entries.update((entries) => {
      // an entry's time never changes and the list is in time order: a repeat can only be
      // among the entries from the earliest incoming time on (for a live message: none)
      const since = incoming.reduce(
        (earliest, e) => (e.at < earliest ? e.at : earliest),
        incoming[0].at,
      );
      const known = new Set<string>();
      for (let i = entries.length - 1; i >= 0 && entries[i].at >= since; i--)
        known.add(entries[i].key);
      const fresh = incoming.filter((e) => !known.has(e.key));
      if (fresh.length === 0) return entries;
      const merged = [...entries, ...fresh];
      // live entries come in order: sort (ISO times sort as text) only when one did not
      if (!inOrder(merged, entries.length)) merged.sort(byTime);
      return merged.length > MAX_ENTRIES ? merged.slice(-MAX_ENTRIES) : merged;
    });
  }
}
