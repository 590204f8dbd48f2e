import {
  type ClientOffer,
  type ClientSession,
  HandshakeError,
  completeClientHandshake,
  createClientOffer,
} from '../crypto/client-handshake';
import { type IdentityKey, proveIdentity } from '../identity/identity-key';
import { ClientEvent } from '../protocol/client-event';
import { Limits } from '../protocol/limits';
import { retryDelayMs } from './outbox';
import { fromBase64Within } from '../crypto/bytes';
import { DecryptFailedError, readEnvelope } from '../crypto/envelope';
import { AES_KEY_BYTES } from '../crypto/handshake';
import { RoomKey, isRoomFrame, readRoomEnvelope } from '../crypto/room-frame';
import {
  type ChannelMaker,
  webCryptoChannels,
} from '../crypto/web-crypto-channel';
import type {
  ClientEventMap,
  SealedServerEvent,
  ServerEventMap,
} from '../protocol/event-maps';
import type { SessionReadyPayload } from '../protocol/payloads/handshake.payload';
import type {
  LoginPayload,
  PresencePayload,
  RoomKeyPayload,
} from '../protocol/payloads/session.payload';
import { ServerEvent } from '../protocol/server-event';

/** The part of a socket.io-client `Socket` the secure client uses (shared code imports no library). */
export interface SocketLike {
  auth: unknown;
  readonly connected: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

export type SecureClientFailure =
  | 'bad_answer'
  | 'bad_signature'
  | 'untrusted_key'
  | 'decrypt_failed'
  /** Frames refused on several new connections in a row: the client stopped (L69). */
  | 'refused_repeatedly';

/**
 * A connection whose frame is refused within this of its handshake failed "straight away": the
 * server is sending the same frame again (a catch-up replays the same history), so a reconnect
 * would only loop into it (L69).
 */
const PROMPT_FAILURE_MS = 60_000;
/** Prompt failures in a row after which the client stops reconnecting into them. */
const PROMPT_FAILURES_MAX = 3;

export interface SecureChatClientOptions {
  /** Decides whether to trust the server key with this fingerprint (TOFU in the browser). */
  trust(fingerprint: string): boolean | Promise<boolean>;
  /** The channel is ready: sealed events may be sent. Called after every (re)connect. */
  onReady(fingerprint: string, serverKey: CryptoKey): void;
  /** An opened server event, in wire order (a `presence` batch as its joins and leaves). */
  onEvent<E extends SealedServerEvent>(
    event: E,
    payload: ServerEventMap[E],
  ): void;
  /** The channel cannot be used; the client refuses to send until the next handshake. */
  onFailure(reason: SecureClientFailure): void;
  /** Try again after the server refused a handshake (default true; false for refusal tests). */
  retryRefused?: boolean;
  /** How the channel is made from the handshake (default: Web Crypto, as in the browser). */
  channels?: ChannelMaker;
}

/** Raised by `send` when there is no channel to send on (offline, or the server is not trusted). */
export class ChannelClosedError extends Error {
  constructor() {
    super('not connected');
    this.name = 'ChannelClosedError';
  }
}

/**
 * The client side of the protocol, shared by the browser, the tests and the benchmark: a fresh
 * ECDH offer on every connection attempt, the server's signed answer checked, then every event
 * sealed and opened in wire order through one channel per connection.
 */
export class SecureChatClient {
  private offer?: ClientOffer;
  private session: Promise<ClientSession | undefined> =
    Promise.resolve(undefined);
  private generation = 0;
  /** The connection whose `session:ready` was taken: one per connection, never a second (C52). */
  private answered = -1;
  private sending: Promise<unknown> = Promise.resolve();
  private receiving: Promise<unknown> = Promise.resolve();
  /** Handshakes refused in a row, and the timer of the next try. */
  private refusals = 0;
  private retry?: ReturnType<typeof setTimeout>;
  /** The room key this connection was granted last (a new connection is granted its own). */
  private room?: { session: ClientSession; key: RoomKey };
  /** When the current channel became ready, and the connections in a row that failed promptly. */
  private readyAt = 0;
  private promptFailures = 0;
  private failedSession?: ClientSession;

  constructor(
    private readonly socket: SocketLike,
    private readonly options: SecureChatClientOptions,
  ) {
    socket.auth = (send: (offer: unknown) => void) => {
      void createClientOffer().then((offer) => {
        this.offer = offer;
        send(offer.offer);
      });
    };
    socket.on(ServerEvent.SessionReady, (ready: SessionReadyPayload) =>
      this.handshake(ready),
    );
    socket.onAny((event, envelope) => {
      if (event !== ServerEvent.SessionReady) this.receive(event, envelope);
    });
    socket.on('disconnect', () => {
      this.generation++;
      this.session = Promise.resolve(undefined);
    });
    // A refusal by the server's handshake (restarting, busy, rate limited) ends socket.io's own
    // reconnection, unlike a dropped transport: without this the client would stay offline for
    // good. Spread over time, so a restart's clients do not all come back in the same instant.
    socket.on('connect_error', (error: { data?: { code?: unknown } }) => {
      if (typeof error?.data?.code !== 'string') return; // transport: socket.io retries
      if (options.retryRefused === false) return;
      this.refusals++;
      clearTimeout(this.retry);
      const delay = retryDelayMs(this.refusals) * (0.5 + Math.random() / 2);
      this.retry = setTimeout(() => {
        if (!this.socket.connected) this.socket.connect();
      }, delay);
    });
  }

  /** Disconnects on purpose: no retry follows. */
  close(): void {
    clearTimeout(this.retry);
    this.socket.disconnect();
  }

  /** Seals and emits in call order; rejects with `ChannelClosedError` when offline. */
  send<E extends keyof ClientEventMap>(
    event: E,
    payload: ClientEventMap[E],
  ): Promise<void> {
    return this.enqueue(event, async () => payload);
  }

  /**
   * Logs in as `username`, the identity key signing the transcript of the connection the login
   * is sealed on (a proof made for one connection is worthless on any other).
   */
  login(
    payload: Omit<LoginPayload, 'identity'>,
    identity: IdentityKey,
  ): Promise<void> {
    return this.enqueue(ClientEvent.SessionLogin, async (session) => ({
      ...payload,
      identity: await proveIdentity(
        identity,
        session.transcriptHash,
        payload.username,
      ),
    }));
  }

  private enqueue<E extends keyof ClientEventMap>(
    event: E,
    build: (session: ClientSession) => Promise<ClientEventMap[E]>,
  ): Promise<void> {
    const generation = this.generation;
    const current = this.session;
    const sent = this.sending.then(async () => {
      const session = await current;
      if (!session || !this.isCurrent(generation))
        throw new ChannelClosedError();
      const payload = await build(session);
      const envelope = await session.channel.seal(event, payload);
      if (!this.isCurrent(generation)) throw new ChannelClosedError();
      this.socket.emit(event, envelope);
    });
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  private isCurrent(generation: number): boolean {
    return generation === this.generation && this.socket.connected;
  }

  private handshake(ready: SessionReadyPayload): void {
    const offer = this.offer;
    const generation = this.generation;
    // a second answer on a live connection would swap the channel under the user: ignored
    if (this.answered === generation) return;
    this.answered = generation;
    this.session = (async () => {
      if (!offer) return undefined;
      try {
        const session = await completeClientHandshake(
          offer,
          ready,
          (fp) => this.options.trust(fp),
          this.options.channels,
        );
        // a channel that completes after a disconnect still opens the frames that arrived on it
        // (a "log in in time" notice, say); only a current one counts as ready
        if (generation === this.generation) {
          this.refusals = 0;
          this.readyAt = Date.now();
          this.options.onReady(session.fingerprint, session.serverKey);
        }
        return session;
      } catch (error) {
        this.options.onFailure(
          error instanceof HandshakeError ? error.reason : 'bad_answer',
        );
        return undefined;
      }
    })();
  }

  /** A presence batch reaches the app as its changes, one event each, in order. */
  private presence(batch: PresencePayload): void {
    for (const change of Array.isArray(batch?.changes) ? batch.changes : []) {
      if ('joined' in change)
        this.options.onEvent(ServerEvent.UserJoined, change.joined);
      else if ('left' in change)
        this.options.onEvent(ServerEvent.UserLeft, change.left);
    }
  }

  // Frames that arrived before a disconnect are still delivered (a kick notice, say): they
  // belong to the channel they arrived on, whatever happened to the connection since.
  private receive(event: string, raw: unknown): void {
    const current = this.session;
    this.receiving = this.receiving.then(async () => {
      const session = await current;
      if (!session) return;
      try {
        const payload = isRoomFrame(raw)
          ? await this.openRoomFrame(session, event, raw)
          : await this.openSessionFrame(session, event, raw);
        if (event === ServerEvent.RoomKey) {
          this.room = { session, key: await this.roomKey(payload) };
          return;
        }
        if (event === ServerEvent.Presence) {
          this.presence(payload as unknown as PresencePayload);
          return;
        }
        this.options.onEvent(
          event as SealedServerEvent,
          payload as unknown as ServerEventMap[SealedServerEvent],
        );
      } catch (error) {
        if (error instanceof DecryptFailedError) {
          this.refused(session);
        } else {
          throw error;
        }
      }
    });
  }

  /**
   * A frame that does not open breaks the channel: the app reconnects with new keys. When that
   * keeps happening right after each new handshake, the client stops and says so instead of
   * looping into the same frame (L69); a reload starts over.
   */
  private refused(session: ClientSession): void {
    // the frames after the first refused one on a channel fail too: one count per channel
    const first = this.failedSession !== session;
    if (first) {
      this.failedSession = session;
      const prompt = Date.now() - this.readyAt < PROMPT_FAILURE_MS;
      this.promptFailures = prompt ? this.promptFailures + 1 : 1;
    }
    if (this.promptFailures < PROMPT_FAILURES_MAX) {
      this.options.onFailure('decrypt_failed');
    } else if (first) {
      this.close();
      this.options.onFailure('refused_repeatedly');
    }
  }

  private openSessionFrame(
    session: ClientSession,
    event: string,
    raw: unknown,
  ): Promise<Record<string, unknown>> {
    const envelope = readEnvelope(raw, Limits.maxServerFrameBytes);
    if (!envelope) throw new DecryptFailedError();
    return session.channel.open(event, envelope);
  }

  /** Only under the key this connection was granted: another epoch, or none yet, is refused. */
  private openRoomFrame(
    session: ClientSession,
    event: string,
    raw: unknown,
  ): Promise<Record<string, unknown>> {
    const envelope = readRoomEnvelope(raw, Limits.maxServerFrameBytes);
    if (!envelope || this.room?.session !== session)
      throw new DecryptFailedError();
    return this.room.key.open(event, envelope);
  }

  private async roomKey(payload: Record<string, unknown>): Promise<RoomKey> {
    const { epoch, key, seq } = payload as Partial<RoomKeyPayload>;
    const raw =
      typeof key === 'string'
        ? fromBase64Within(key, AES_KEY_BYTES)
        : undefined;
    if (
      !raw ||
      raw.length !== AES_KEY_BYTES ||
      !Number.isSafeInteger(epoch) ||
      !Number.isSafeInteger(seq)
    )
      throw new DecryptFailedError();
    const channels = this.options.channels ?? webCryptoChannels;
    return new RoomKey(
      epoch as number,
      seq as number,
      await channels.roomKey(raw),
    );
  }
}
