import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  Limits,
  type MessagePayload,
  type E2eePayload,
  type PrivateMessagePayload,
  ServerEvent,
} from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { ClusterService } from '../cluster/cluster.service';
import type { RemoteMember } from '../cluster/cluster-events';
import { DeliveryService } from '../realtime/delivery.service';
import { type Member, Roster } from '../sessions/roster';
import { type Joined, SessionsService } from '../sessions/sessions.service';
import type { MessageEntity } from './message.entity';
import { MessageStorageQuota } from './message-quota';
import { MessagingException } from './messaging.exception';
import { MessagesRepository } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';
import { RecentMessages } from './recent-messages';
import { FairShareBudget, FixedWindowLimiter } from '../common/rate-limiter';
import { AppConfigService } from '../config/app-config.service';

/** Full catch-ups per client address per minute; past it a join gets only the newest few (L48). */
const CATCH_UPS_PER_MINUTE = 30;

/**
 * Rows read per catch-up query; pages sent to the client are cut by size, not count. A reader
 * that stalls holds at most this many rows (1.6 MB at the largest message size, L68).
 */
const CATCH_UP_ROWS = 100;
/**
 * A private message for another instance is dropped there after this long: the sender has been
 * told it failed by then (the cluster's answers time out at 5 s).
 */
const REMOTE_DELIVERY_MS = 4000;
/** A public message this old that has not reached this instance through Redis is read from the database. */
const SETTLE_MS = 2000;

function toPayload(row: MessageEntity): MessagePayload {
  return {
    id: row.id,
    clientId: row.clientId,
    from: row.sender,
    text: row.text,
    at: row.at,
  };
}

/** What the answer to a resent private message needs: never its text, only a hash of it. */
interface SentPrivate {
  message: Omit<PrivateMessagePayload, 'text' | 'e2ee'> & {
    text?: undefined;
    e2ee?: undefined;
  };
  textHash: string;
  /** Settles once the first attempt was delivered (true) or failed (false). */
  delivered: Promise<boolean>;
}

/** Keyed per process: a short private text cannot be found by hashing guesses. */
const TEXT_KEY = randomBytes(32);
const textHash = (text: string) =>
  createHmac('sha256', TEXT_KEY).update(text).digest('hex');

/** A private message as sent: its text must be empty, its words an MLS message in `e2ee`. */
export interface PrivateContent {
  text: string;
  e2ee?: E2eePayload;
}

function privateMessage(
  sender: Member,
  clientId: string,
  to: string,
  e2ee: E2eePayload,
): PrivateMessagePayload {
  return {
    id: randomUUID(),
    clientId,
    from: sender.username,
    to,
    text: '',
    e2ee,
    at: new Date().toISOString(),
  };
}

/** What a resend is compared by: the end-to-end ciphertext. */
const contentHash = (e2ee: E2eePayload) => textHash(JSON.stringify(e2ee));

/**
 * Where a member's public timeline stands. While the catch-up reads the database, live messages
 * wait in `backlog`; afterwards, anything up to `caughtUpTo` has been sent by the catch-up.
 */
interface Reader {
  caughtUpTo: number;
  backlog?: MessagePayload[];
}

/**
 * Public messages (stored once per client id, acknowledged after commit, replayed by offset on
 * every join) and private ones (delivered to sender and recipient, never stored).
 */
@Injectable()
export class MessagingService implements OnModuleInit {
  /**
   * Deliveries (messages × recipients) the room may cost per second: a public message costs
   * one seal per member, so the rate it is accepted at falls as the room grows (L48). Shared
   * fairly by addresses and their senders, so a few connections cannot use it all up (L74).
   */
  private readonly roomDeliveries: FairShareBudget;
  /** What public messages may add to the database per name and address, and the disk floor (L76). */
  private readonly storage: MessageStorageQuota;
  private readonly catchUps = new FixedWindowLimiter(
    CATCH_UPS_PER_MINUTE,
    60_000,
  );
  private readonly log = new Logger(MessagingService.name);
  /** Weak: a member handed over to another instance is forgotten without a leave. */
  private readonly readers = new WeakMap<Member, Reader>();
  /** Private messages are not stored: their resends are recognised for ten minutes. */
  private readonly recentPrivate = new RecentMessages<SentPrivate>(
    10_000,
    10 * 60_000,
  );

  /** Public message ids delivered here lately: one that comes again (Redis, the heal) is not resent. */
  private readonly delivered = new RecentMessages<true>(50_000, 10 * 60_000);
  /** Cluster: every stored public message up to this id has been delivered here. */
  private healedTo = 0;

  constructor(
    private readonly repository: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly sessions: SessionsService,
    private readonly roster: Roster,
    private readonly delivery: DeliveryService,
    private readonly audit: AuditService,
    private readonly cluster: ClusterService,
    configService: AppConfigService,
  ) {
    const { roomDeliveriesPerSecond, roomAddressSharePercent } =
      configService.config.limits;
    this.roomDeliveries = new FairShareBudget(
      roomDeliveriesPerSecond,
      roomAddressSharePercent,
    );
    this.storage = new MessageStorageQuota(
      configService.config.messages,
      configService.config.database,
    );
  }

  async onModuleInit(): Promise<void> {
    this.sessions.joined$.subscribe((joined) => void this.catchUp(joined));
    this.sessions.left$.subscribe((member) => this.readers.delete(member));
    if (!this.cluster.enabled) return;
    // before anyone connects: what is stored by now, joining members get by their catch-up
    this.healedTo = (await this.repository.latest(1)).at(-1)?.id ?? 0;
    this.cluster.on('message', (message) => this.broadcast(message));
    this.cluster.answer('private', ({ sessionId, message, expiresAt }) => {
      if (Date.now() > expiresAt) return false;
      return this.delivery.toMember(
        sessionId,
        ServerEvent.PrivateMessageCreated,
        message,
      );
    });
    this.cluster.tick$.subscribe(() => void this.heal());
  }

  /** Stores, then broadcasts: the sender's copy is its acknowledgement, sent only after commit. */
  async sendPublic(
    sender: Member,
    clientId: string,
    text: string,
  ): Promise<void> {
    this.checkText(text);
    if (
      !this.roomDeliveries.take(
        [sender.addressHash, sender.key],
        this.roster.size,
      )
    )
      throw new MessagingException(
        ErrorCode.RateLimited,
        'The room is busy; your message will be sent in a moment.',
      );
    const bytes = Buffer.byteLength(text);
    try {
      await this.storage.spend(sender, bytes);
    } catch (error) {
      // a resend of what was stored before the allowance ran out is answered, not refused
      const earlier = await this.repository.stored(sender.username, clientId);
      if (!earlier) throw error;
      this.deliver(sender, toPayload(earlier));
      return;
    }
    let stored: Awaited<ReturnType<MessagesRepository['append']>>;
    try {
      stored = await this.repository.append({
        clientId,
        sender: sender.username,
        text,
        at: new Date().toISOString(),
      });
    } catch (error) {
      this.storage.refund(sender, bytes);
      throw error;
    }
    const { row, duplicate } = stored;
    const message = toPayload(row);
    if (duplicate) {
      // the first attempt was stored (and paid for); everyone else has it or reads it at their
      // next join
      this.storage.refund(sender, bytes);
      this.deliver(sender, message);
      return;
    }
    // the text is kept once, in the message; the tamper-evident row proves it by its digest (L76)
    await this.audit.record('message_public', {
      actor: sender.username,
      detail: {
        id: row.id,
        bytes,
        sha256: createHash('sha256').update(text).digest('hex'),
      },
    });
    this.broadcast(message);
    this.cluster.publish('message', message);
  }

  /** A stored public message to this instance's members (each once, after their catch-up). */
  private broadcast(message: MessagePayload): void {
    const key = String(message.id);
    if (this.delivered.get(key)) return;
    this.delivered.set(key, true);
    const notYet: string[] = [];
    for (const member of this.roster.connected())
      if (!this.due(member, message)) notYet.push(member.sessionId);
    this.delivery.toRoom(ServerEvent.MessageCreated, message, notYet);
  }

  /**
   * Each heartbeat, in a cluster: public messages stored by other instances whose event never
   * came (Redis away, or back but not yet resubscribed) are read from the database by offset and
   * delivered, once they are older than SETTLE_MS (live delivery has had its chance).
   */
  private async heal(): Promise<void> {
    try {
      const settled = Date.now() - SETTLE_MS;
      for (const row of await this.repository.after(
        this.healedTo,
        CATCH_UP_ROWS,
      )) {
        if (Date.parse(row.at) > settled) return;
        this.broadcast(toPayload(row));
        this.healedTo = row.id;
      }
    } catch (error) {
      this.log.warn(
        `reading missed messages failed: ${(error as Error).message}`,
      );
    }
  }

  async sendPrivate(
    sender: Member,
    clientId: string,
    to: string,
    content: PrivateContent,
  ): Promise<void> {
    // the server relays only what it cannot read: a private message in the clear is refused,
    // so no client can be shown one "from" a contact by an honest server (E63)
    const { e2ee } = content;
    if (!e2ee)
      throw new MessagingException(
        ErrorCode.InvalidPayload,
        'A private message travels end to end: its words go in e2ee, never in the clear; nothing was sent.',
        'e2ee',
      );
    if (content.text !== '')
      throw new MessagingException(
        ErrorCode.InvalidPayload,
        'An end-to-end message carries no text beside its ciphertext.',
        'text',
      );
    return this.relayPrivate(sender, clientId, to, e2ee);
  }

  private async relayPrivate(
    sender: Member,
    clientId: string,
    to: string,
    e2ee: E2eePayload,
  ): Promise<void> {
    const key = `${sender.key}\n${clientId}`;
    const earlier = this.recentPrivate.get(key);
    if (earlier) return this.answerResend(sender, key, earlier, to, e2ee);
    // connected here, or else to another instance
    const { here, there, username: recipient } = this.roster.locate(to) ?? {};
    if (recipient === undefined) {
      throw new MessagingException(
        ErrorCode.RecipientUnavailable,
        `${to.slice(0, 32)} is not online; the message was not sent.`,
        'to',
      );
    }
    if (here === sender) {
      throw new MessagingException(
        ErrorCode.InvalidPayload,
        'You cannot send a private message to yourself.',
        'to',
      );
    }
    const message = privateMessage(sender, clientId, recipient, e2ee);
    // taken before any await: a resend that arrives meanwhile waits for this outcome (no race)
    let settle!: (delivered: boolean) => void;
    this.recentPrivate.set(key, {
      message: { ...message, text: undefined, e2ee: undefined },
      textHash: contentHash(e2ee),
      delivered: new Promise((done) => (settle = done)),
    });
    try {
      if (there) await this.sendPrivateElsewhere(sender, message, there);
      else if (here) await this.sendPrivateHere(sender, message, here);
      settle(true);
    } catch (error) {
      this.recentPrivate.delete(key);
      settle(false);
      throw error;
    }
  }

  /**
   * A private message sent again under its client id: once the first attempt is through, the
   * sender gets its acknowledgement again (the recipient nothing). Only its metadata and a hash
   * of its ciphertext are kept for this; the ciphertext comes from the resend itself.
   */
  private async answerResend(
    sender: Member,
    key: string,
    earlier: SentPrivate,
    to: string,
    e2ee: E2eePayload,
  ): Promise<void> {
    if (!(await earlier.delivered))
      return this.relayPrivate(sender, earlier.message.clientId, to, e2ee);
    if (earlier.textHash !== contentHash(e2ee)) {
      throw new MessagingException(
        ErrorCode.InvalidPayload,
        'A different message was already sent under this id.',
        'clientId',
      );
    }
    this.recentPrivate.set(key, earlier);
    this.delivery.toMember(
      sender.sessionId,
      ServerEvent.PrivateMessageCreated,
      {
        ...earlier.message,
        text: '',
        e2ee,
      },
    );
  }

  private async sendPrivateHere(
    sender: Member,
    message: PrivateMessagePayload,
    recipient: Member,
  ): Promise<void> {
    await this.logPrivate(sender, message);
    this.delivery.toMembers(
      [sender.sessionId, recipient.sessionId],
      ServerEvent.PrivateMessageCreated,
      message,
    );
  }

  /**
   * The recipient is connected to another instance: that instance seals it for them. The sender
   * gets their copy (the acknowledgement) only once it was delivered.
   */
  private async sendPrivateElsewhere(
    sender: Member,
    message: PrivateMessagePayload,
    recipient: RemoteMember,
  ): Promise<void> {
    const answers = await this.cluster.request('private', {
      sessionId: recipient.sessionId,
      message,
      expiresAt: Date.now() + REMOTE_DELIVERY_MS,
    });
    if (!answers.includes(true)) {
      throw new MessagingException(
        ErrorCode.RecipientUnavailable,
        `${recipient.username} could not be reached; the message was not sent.`,
        'to',
      );
    }
    await this.logPrivate(sender, message);
    this.delivery.toMember(
      sender.sessionId,
      ServerEvent.PrivateMessageCreated,
      message,
    );
  }

  /** Audited: metadata only, its ciphertext never reaches the database. */
  private async logPrivate(
    sender: Member,
    message: PrivateMessagePayload,
  ): Promise<void> {
    await this.audit.record('message_private', {
      actor: sender.username,
      target: message.to,
      // end to end: the size of the ciphertext, all the server knows
      detail: {
        id: message.id,
        e2ee: message.e2ee?.kind,
        bytes: message.e2ee?.mls.length,
      },
    });
  }

  private deliver(member: Member, message: MessagePayload): void {
    if (this.roster.isConnected(member) && this.due(member, message))
      this.delivery.toMember(
        member.sessionId,
        ServerEvent.MessageCreated,
        message,
      );
  }

  /** Whether a live message goes to this member now (not held back, not sent by the catch-up). */
  private due(member: Member, message: MessagePayload): boolean {
    const reader = this.readers.get(member);
    if (reader?.backlog) {
      reader.backlog.push(message);
      return false;
    }
    return !reader || message.id > reader.caughtUpTo;
  }

  /**
   * Sends a joining member every public message after the one it holds (a newcomer: the latest
   * few), from the database by offset, oldest first. Live messages wait meanwhile, so the
   * member sees each message once and in order, whatever the timing.
   */
  private async catchUp({ member, lastMessageId }: Joined): Promise<void> {
    const backlog: MessagePayload[] = [];
    const reader: Reader = { caughtUpTo: 0, backlog };
    this.readers.set(member, reader);
    // history is paced by what this connection takes (L68): a reader that stalls holds one page
    const connection = this.delivery.connectionOf(member.sessionId);
    const current = () =>
      this.readers.get(member) === reader &&
      this.roster.isConnected(member) &&
      this.delivery.connectionOf(member.sessionId) === connection;
    try {
      let cursor = lastMessageId ?? 0;
      // a newcomer gets the latest few; so does an address asking for full catch-ups too often
      const full =
        lastMessageId !== undefined && this.catchUps.take(member.addressHash);
      const first = await this.repository.firstOfLatest(
        full ? Limits.catchUpMax : Limits.historySize,
      );
      if (!current()) return;
      if (first !== undefined && (!full || first > cursor + 1)) {
        // more than the catch-up may send: the newest ones, and the client is told (L48)
        const skipped =
          lastMessageId !== undefined &&
          (await this.repository.after(cursor, 1))[0]?.id !== first;
        if (!current()) return;
        if (skipped)
          this.delivery.toMember(
            member.sessionId,
            ServerEvent.MessageHistoryTruncated,
            { firstId: first },
          );
        cursor = Math.max(cursor, first - 1);
      }
      for (;;) {
        const rows = await this.repository.after(cursor, CATCH_UP_ROWS);
        const page = await this.withReactions(rows, member);
        if (!current()) return;
        if (!(await this.sendHistory(member, connection, page))) return;
        cursor = rows.at(-1)?.id ?? cursor;
        if (rows.length < CATCH_UP_ROWS) break;
      }
      if (!current()) return;
      if (backlog.length > Limits.catchUpMax)
        throw new Error('too many live messages arrived during the catch-up');
      // synchronously from here on: nothing broadcast meanwhile can slip through or overtake
      const late = backlog.filter((m) => m.id > cursor);
      reader.caughtUpTo = cursor;
      reader.backlog = undefined;
      for (const page of historyPages(late.sort((a, b) => a.id - b.id)))
        this.delivery.toMember(member.sessionId, ServerEvent.MessageHistory, {
          messages: page,
        });
    } catch (error) {
      if (!current()) return;
      this.log.warn(`catch-up failed: ${(error as Error).message}`);
      this.readers.delete(member);
      this.delivery.reconnect(
        member.sessionId,
        new MessagingException(
          ErrorCode.Unavailable,
          'The messages you missed could not be loaded; reconnecting to try again.',
        ),
      );
    }
  }

  /** Stored messages as history carries them: with their reactions so far, as `viewer` sees them. */
  private async withReactions(
    rows: MessageEntity[],
    viewer: Member,
  ): Promise<MessagePayload[]> {
    const reactions = await this.reactions.forMessages(
      rows.map((r) => r.id),
      viewer.username,
    );
    return rows.map((row) => {
      const given = reactions.get(row.id);
      return given ? { ...toPayload(row), reactions: given } : toPayload(row);
    });
  }

  /**
   * One `message:history` event per page, each at most a page's budget, paced by what the
   * member's connection takes; false once that connection is gone.
   */
  private async sendHistory(
    member: Member,
    connection: string | undefined,
    messages: MessagePayload[],
  ): Promise<boolean> {
    for (const page of historyPages(messages)) {
      if (connection === undefined) return false;
      const sent = await this.delivery.toConnectionPaced(
        member.sessionId,
        connection,
        ServerEvent.MessageHistory,
        { messages: page },
      );
      if (!sent) return false;
    }
    return true;
  }

  private checkText(text: string): void {
    if (text.trim().length === 0) {
      throw new MessagingException(
        ErrorCode.MessageEmpty,
        'The message is empty.',
        'text',
      );
    }
    const length = Array.from(text).length;
    if (length > Limits.messageMaxChars) {
      throw new MessagingException(
        ErrorCode.MessageTooLong,
        `The message is ${length} characters long; the limit is ${Limits.messageMaxChars}.`,
        'text',
      );
    }
  }
}

/**
 * Messages cut into pages of at most `Limits.historyPageBytes` (one message alone may reach its
 * own bound, `Limits.historyEntryMaxBytes`: far under what a client opens, L69).
 */
function historyPages(messages: MessagePayload[]): MessagePayload[][] {
  const pages: MessagePayload[][] = [];
  let page: MessagePayload[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(JSON.stringify(message));
    if (page.length > 0 && bytes + size > Limits.historyPageBytes) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(message);
    bytes += size;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}
