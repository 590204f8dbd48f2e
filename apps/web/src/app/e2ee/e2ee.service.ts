import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  ClientEvent,
  type E2eePayload,
  type FileOfferedPayload,
  type FileSecret,
  ServerEvent,
  type PrivateMessagePayload,
  type SendPrivateMessagePayload,
  type TreeHeadPayload,
  fromBase64,
  sameUsername,
  toBase64,
} from '@app/shared';
import {
  type E2eeConversation,
  type E2eeDevice,
  E2eeError,
  type PeerIdentity,
  decodeE2eeContent,
  type E2eeReaction,
  decodeE2eeFile,
  decodeE2eeReaction,
  e2eePayload,
  encodeE2eeContent,
  encodeE2eeFile,
  encodeE2eeReaction,
  tsMlsEngine,
} from '@app/shared/e2ee';
import { filter, firstValueFrom, map, race, take, timeout } from 'rxjs';

import { ContactsStore } from '../contacts/contacts.store';
import { IdentityStore } from '../core/identity/identity.store';
import { KeyLogService } from '../core/identity/key-log.service';
import { Vault } from '../core/identity/vault';
import { SocketService } from '../core/realtime/socket.service';
import { SessionStore } from '../sessions/session.store';

/** Key packages kept published: each conversation a peer starts with us uses one. */
const PUBLISHED = 5;
const CLAIM_TIMEOUT_MS = 10_000;
const CLAIM_ATTEMPTS = 5;
const CLAIM_RETRY_MS = 400;

/** A conversation kept across page loads (in the vault, beside the identity key). */
interface SavedConversation {
  peer: string;
  /** Base64 SPKI of the peer's identity key, as accepted when it was founded or joined. */
  peerKey: string;
  state: Uint8Array;
}
/** Per peer (lower-case name): the id of the conversation I send in. */
type SavedIndex = Record<string, string>;
const indexKey = (me: string) => `e2ee:${me.toLowerCase()}:current`;
const stateKey = (me: string, id: string) => `e2ee:${me.toLowerCase()}:${id}`;

/** Why a private message could not be sent end to end; the user is told this. */
export class E2eeUnavailableError extends Error {}

/** A reaction to a private message, between the two people of the conversation only. */
export interface PrivateReaction extends E2eeReaction {
  from: string;
}

/** What a relayed private message turned out to be, once opened. */
export type Revealed =
  | { message: PrivateMessagePayload }
  | { reaction: PrivateReaction };

interface Outgoing {
  conversation: E2eeConversation;
  /** The Welcome that founded it, resent (same id, delivered once) until acknowledged. */
  welcome?: SendPrivateMessagePayload;
}

/**
 * Private messages end to end (E55): one MLS conversation per contact, founded from the
 * contact's key package, with every credential checked against the key log and the contact's
 * verified key in this browser (never the server's word). The server relays the ciphertext; the
 * plaintext of what I sent stays here (an MLS sender cannot open its own messages).
 */
@Injectable({ providedIn: 'root' })
export class E2eeService {
  private readonly socket = inject(SocketService);
  private readonly identity = inject(IdentityStore);
  private readonly contacts = inject(ContactsStore);
  private readonly keyLog = inject(KeyLogService);
  private readonly vault = inject(Vault);
  private device?: Promise<E2eeDevice>;
  private deviceName?: string;
  /** Every conversation by id (both founders' ids open: each side may have started one). */
  private readonly conversations = new Map<string, E2eeConversation>();
  /** The conversation I send in, per contact (lower-case name). */
  private readonly current = new Map<string, Outgoing>();
  /** What I sent, by client id: the same ciphertext on a resend, and my own text to show. */
  private readonly sent = new Map<
    string,
    { wire: SendPrivateMessagePayload; text: string }
  >();
  /** My reactions sent, by client id: shown once the server relayed them. */
  private readonly reactionsSent = new Map<string, E2eeReaction>();
  /**
   * Contacts whose key log could not be shown to be one history with ours (E65), with the head
   * their browser sent: nothing goes to them until the server proves it.
   */
  private readonly unproven = new Map<string, TreeHeadPayload>();
  /** One incoming message at a time: a Welcome is joined before what follows it is opened. */
  private incoming: Promise<unknown> = Promise.resolve();
  private sealing: Promise<unknown> = Promise.resolve();

  constructor() {
    // only under a name the session confirmed as the one we asked for (E67)
    const destroyRef = inject(DestroyRef);
    inject(SessionStore)
      .confirmed$.pipe(takeUntilDestroyed(destroyRef))
      .subscribe((username) => void this.publish(username, true));
    // others claimed most of them (E73): a fresh set, without the user doing anything
    this.socket
      .on(ServerEvent.KeyPackagesLow)
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(() => {
        if (this.deviceName) void this.publish(this.deviceName);
      });
  }

  /** The wire form of my private message: sealed once, the same bytes on every resend. */
  seal(
    payload: SendPrivateMessagePayload,
    me: string,
  ): Promise<SendPrivateMessagePayload> {
    return this.oneAtATime(async () => {
      const earlier = this.sent.get(payload.clientId);
      if (earlier) return earlier.wire;
      const head = await this.keyLog.keptHead();
      const wire: SendPrivateMessagePayload = {
        clientId: payload.clientId,
        to: payload.to,
        text: '',
        e2ee: await this.sealFor(
          payload.to,
          me,
          'message',
          encodeE2eeContent({ text: payload.text, head }),
        ),
      };
      this.sent.set(payload.clientId, { wire, text: payload.text });
      return wire;
    });
  }

  /** My reaction to a private message, as a private message of its own (E55). */
  sealReaction(
    to: string,
    me: string,
    reaction: E2eeReaction,
  ): Promise<SendPrivateMessagePayload> {
    return this.oneAtATime(async () => {
      const wire: SendPrivateMessagePayload = {
        clientId: crypto.randomUUID(),
        to,
        text: '',
        e2ee: await this.sealFor(
          to,
          me,
          'message',
          encodeE2eeReaction(reaction),
        ),
      };
      this.reactionsSent.set(wire.clientId, reaction);
      return wire;
    });
  }

  /** A private file's secret for its offer to `to`, sealed in our conversation. */
  sealFile(to: string, me: string, file: FileSecret): Promise<E2eePayload> {
    return this.oneAtATime(async () =>
      this.sealFor(
        to,
        me,
        'file',
        encodeE2eeFile({ file, head: await this.keyLog.keptHead() }),
      ),
    );
  }

  /** One seal at a time: two quick first messages to someone found one conversation, not two. */
  private oneAtATime<T>(seal: () => Promise<T>): Promise<T> {
    const sealed = this.sealing.then(seal);
    this.sealing = sealed.catch(() => undefined);
    return sealed;
  }

  private async sealFor(
    to: string,
    me: string,
    kind: 'message' | 'file',
    content: Uint8Array,
  ): Promise<E2eePayload> {
    const outgoing = await this.outgoing(to, me);
    if (
      outgoing.welcome &&
      !(await this.socket.send(
        ClientEvent.PrivateMessageSend,
        outgoing.welcome,
      ))
    )
      throw new E2eeUnavailableError(
        'Not connected to the server; nothing was sent.',
      );
    const mls = await outgoing.conversation.seal(content);
    await this.keep(me, outgoing.conversation);
    return e2eePayload(kind, outgoing.conversation.id, mls);
  }

  /**
   * A relayed private message as it reads here: a message with its text opened (or, mine,
   * remembered), or a reaction; undefined for what is no entry of its own (a Welcome) or cannot
   * be opened (`onFailure`).
   */
  reveal(
    message: PrivateMessagePayload,
    me: string | undefined,
    onFailure: (from: string) => void,
  ): Promise<Revealed | undefined> {
    const revealed = this.incoming.then(
      async (): Promise<Revealed | undefined> => {
        const e2ee = message.e2ee;
        if (!e2ee) return { message };
        if (message.from === me) {
          if (e2ee.kind === 'welcome') {
            const outgoing = this.current.get(message.to.toLowerCase());
            if (outgoing?.welcome?.clientId === message.clientId)
              outgoing.welcome = undefined;
            return undefined;
          }
          // acknowledged: no resend will need the ciphertext again, and the text is shown now
          const reaction = this.reactionsSent.get(message.clientId);
          this.reactionsSent.delete(message.clientId);
          if (reaction)
            return { reaction: { ...reaction, from: message.from } };
          const text = this.sent.get(message.clientId)?.text;
          this.sent.delete(message.clientId);
          return text === undefined
            ? undefined
            : { message: { ...message, text } };
        }
        try {
          if (e2ee.kind === 'welcome') {
            await this.joined(message.from, fromBase64(e2ee.mls), me);
            return undefined;
          }
          const conversation = this.conversations.get(e2ee.conversation);
          if (
            !conversation ||
            !sameUsername(conversation.peer.name, message.from)
          )
            throw new E2eeError('bad_message');
          const opened = await conversation.open(fromBase64(e2ee.mls));
          if (me) await this.keep(me, conversation);
          const reaction = decodeE2eeReaction(opened);
          if (reaction)
            return { reaction: { ...reaction, from: message.from } };
          const content = decodeE2eeContent(opened);
          if (!content) throw new E2eeError('bad_message');
          // the sender's view of the key log must be one history with ours (E57)
          if (content.head) void this.compareHeads(message.from, content.head);
          return { message: { ...message, text: content.text } };
        } catch {
          onFailure(message.from);
          return undefined;
        }
      },
    );
    this.incoming = revealed.catch(() => undefined);
    return revealed;
  }

  /**
   * The secret of a private file offered to me, opened in its conversation (in order with the
   * messages), or undefined when it cannot be opened or is not a file's secret.
   */
  revealFile(
    offer: FileOfferedPayload,
    me: string | undefined,
  ): Promise<FileSecret | undefined> {
    const revealed = this.incoming.then(async () => {
      const e2ee = offer.e2ee;
      const conversation = e2ee && this.conversations.get(e2ee.conversation);
      if (
        !me ||
        e2ee?.kind !== 'file' ||
        !conversation ||
        !sameUsername(conversation.peer.name, offer.from)
      )
        return undefined;
      const content = decodeE2eeFile(
        await conversation.open(fromBase64(e2ee.mls)),
      );
      await this.keep(me, conversation);
      if (content?.head) void this.compareHeads(offer.from, content.head);
      return content?.file;
    });
    const settled = revealed.catch(() => undefined);
    this.incoming = settled;
    return settled;
  }

  /**
   * Publishes a fresh set of key packages for peers to start conversations with; at a join a
   * fresh last-resort one as well (E73), kept by the server through the replenishments after
   * (a Welcome may be on its way for it).
   */
  private async publish(me: string, lastResort = false): Promise<void> {
    const device = await this.deviceFor(me);
    const packages: string[] = [];
    for (let i = 0; i < PUBLISHED; i++)
      packages.push(toBase64(await device.keyPackage()));
    await this.socket.send(ClientEvent.KeyPackagesPublish, {
      packages,
      ...(lastResort
        ? { lastResort: toBase64(await device.lastResortPackage()) }
        : {}),
    });
  }

  private async joined(
    from: string,
    welcome: Uint8Array,
    me: string | undefined,
  ) {
    if (!me) throw new E2eeError('bad_message');
    // the founder's credential must name the sender and be the key the log proves (E62)
    const conversation = await (await this.deviceFor(me)).join(welcome, from);
    this.conversations.set(toBase64(conversation.id), conversation);
    // the newest conversation a contact founded is the one I answer in: it is the one they hold
    this.current.set(from.toLowerCase(), { conversation });
    await this.keep(me, conversation);
    void this.publish(me); // one of our key packages is used up
  }

  /**
   * A contact's head against ours (E65): unproven (no consistency proof, whatever the reason)
   * or forked, sending to them stops, and the user has been told by the key-log check.
   */
  private async compareHeads(
    from: string,
    head: TreeHeadPayload,
  ): Promise<boolean> {
    const contact = from.toLowerCase();
    const proven = await this.keyLog.gossip(head);
    if (proven) this.unproven.delete(contact);
    else this.unproven.set(contact, head);
    return proven;
  }

  private async outgoing(to: string, me: string): Promise<Outgoing> {
    // my own name must be bound to this browser's key in the log first (E66, in part)
    if (!(await this.keyLog.ownNameHolds(me)))
      throw new E2eeUnavailableError(
        `The key log does not confirm that "${me}" is bound to this browser's key: someone else's key may be answering for you. Nothing was sent.`,
      );
    // a contact whose key log was not proven one with ours gets nothing until it is (E65)
    const doubted = this.unproven.get(to.toLowerCase());
    if (doubted && !(await this.compareHeads(to, doubted)))
      throw new E2eeUnavailableError(
        `The server has not proven that ${to}'s browser and yours see the same key log: it may be showing you different keys. Nothing was sent; it is checked again at each message.`,
      );
    const known = this.current.get(to.toLowerCase());
    if (known) return known;
    const device = await this.deviceFor(me);
    const keyPackage = await this.claim(to);
    const id = crypto.getRandomValues(new Uint8Array(16));
    let started: Awaited<ReturnType<E2eeDevice['start']>>;
    try {
      // the package must be `to`'s, whoever handed it over (E62)
      started = await device.start(id, fromBase64(keyPackage), to);
    } catch (error) {
      throw new E2eeUnavailableError(
        error instanceof E2eeError && error.reason === 'untrusted_peer'
          ? `${to}'s key could not be confirmed (key log, a changed key you have not accepted, or a key package that is someone else's). Nothing was sent.`
          : `Could not start an end-to-end conversation with ${to}. Nothing was sent.`,
      );
    }
    this.conversations.set(toBase64(id), started.conversation);
    const outgoing: Outgoing = {
      conversation: started.conversation,
      welcome: {
        clientId: crypto.randomUUID(),
        to,
        text: '',
        e2ee: e2eePayload('welcome', id, started.welcome),
      },
    };
    this.current.set(to.toLowerCase(), outgoing);
    await this.keep(me, started.conversation);
    return outgoing;
  }

  /**
   * One of the contact's key packages, through the server's directory. Someone who has just
   * joined may not have published theirs yet: asked again a few times before giving up.
   */
  private async claim(name: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.claimOnce(name);
      } catch (error) {
        if (
          attempt >= CLAIM_ATTEMPTS ||
          !(error instanceof E2eeUnavailableError)
        )
          throw error;
        await new Promise((resolve) => setTimeout(resolve, CLAIM_RETRY_MS));
      }
    }
  }

  private async claimOnce(name: string): Promise<string> {
    if (!(await this.socket.send(ClientEvent.KeyPackageClaim, { name })))
      throw new E2eeUnavailableError(
        'Not connected to the server; nothing was sent.',
      );
    const answer = race(
      this.socket.on(ServerEvent.KeyPackage).pipe(
        filter((k) => k.name.toLowerCase() === name.toLowerCase()),
        map((k) => ({ package: k.package })),
      ),
      this.socket.on(ServerEvent.Exception).pipe(
        filter((e) => e.event === ClientEvent.KeyPackageClaim),
        map((e) => ({ refused: e.message })),
      ),
    ).pipe(take(1), timeout(CLAIM_TIMEOUT_MS));
    const result = await firstValueFrom(answer).catch(() => ({
      refused: `${name} did not answer in time; nothing was sent.`,
    }));
    if ('refused' in result) throw new E2eeUnavailableError(result.refused);
    return result.package;
  }

  private deviceFor(me: string): Promise<E2eeDevice> {
    if (!this.device || this.deviceName !== me) {
      this.deviceName = me;
      this.conversations.clear();
      this.current.clear();
      this.device = this.identity.key().then(async (identity) => {
        const device = await tsMlsEngine.device(me, identity, (peer) =>
          this.accepts(peer),
        );
        await this.restore(me, device);
        return device;
      });
    }
    return this.device;
  }

  /** The conversations this browser kept for `me`, as they were after their last message. */
  private async restore(me: string, device: E2eeDevice): Promise<void> {
    const kept = (await this.vault.get<SavedIndex>(indexKey(me))) ?? {};
    for (const [peer, id] of Object.entries(kept)) {
      const saved = await this.vault.get<SavedConversation>(stateKey(me, id));
      if (!saved) continue;
      try {
        const conversation = device.restore(saved.state, {
          name: saved.peer,
          identityKey: fromBase64(saved.peerKey),
        });
        this.conversations.set(id, conversation);
        this.current.set(peer, { conversation });
      } catch {
        // unreadable: the next message founds a new conversation
      }
    }
  }

  /** Keeps the conversation's state after each change, and which one is current for its peer. */
  private async keep(
    me: string,
    conversation: E2eeConversation,
  ): Promise<void> {
    const id = toBase64(conversation.id);
    const saved: SavedConversation = {
      peer: conversation.peer.name,
      peerKey: toBase64(conversation.peer.identityKey),
      state: conversation.save(),
    };
    await this.vault.put(stateKey(me, id), saved);
    const peer = conversation.peer.name.toLowerCase();
    if (this.current.get(peer)?.conversation === conversation) {
      const index = (await this.vault.get<SavedIndex>(indexKey(me))) ?? {};
      if (index[peer] !== id)
        await this.vault.put(indexKey(me), { ...index, [peer]: id });
    }
  }

  /** The peer's key must be the one the key log proves and this browser accepted (E56, E58). */
  private async accepts(peer: PeerIdentity): Promise<boolean> {
    const contact = await this.contacts.check(peer.name);
    return (
      contact !== undefined &&
      !contact.blocked &&
      contact.key === toBase64(peer.identityKey)
    );
  }
}
