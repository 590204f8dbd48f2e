import { randomUUID } from 'node:crypto';

import {
  ClientEvent,
  type ChannelMaker,
  type ClientEventMap,
  type ExceptionPayload,
  type IdentityKey,
  type MessagePayload,
  OnlineList,
  type PrivateMessagePayload,
  Outbox,
  type Outgoing,
  type SealedEnvelope,
  type Rejoin,
  SecureChatClient,
  SessionKeeper,
  type SecureClientFailure,
  ServerEvent,
  type ServerEventMap,
  type SessionJoinedPayload,
  type UserJoinedPayload,
  type UserLeftPayload,
  type UsersPagePayload,
  createIdentityKey,
  retryDelayMs,
} from '@app/shared';
import { E2eePeer } from './e2ee-peer';
import { relayedPrivate } from './relayed-private';
import {
  io,
  type Socket,
  type SocketOptions,
  type ManagerOptions,
} from 'socket.io-client';

type Received = {
  event: keyof ServerEventMap;
  payload: unknown;
  taken: boolean;
};

export interface ConnectOptions
  extends Partial<ManagerOptions & SocketOptions> {
  /** Pinned fingerprint; anything else is refused. Default: trust on first use. */
  pin?: string;
  /**
   * Behave like the browser after a drop: resume (or log in again) with the last public
   * message id held, then resend what the server has not confirmed. Off by default so the
   * protocol tests see exactly what they send.
   */
  resilient?: boolean;
  /** Scales the outbox's retry delays (tests do not wait seconds). */
  retryScale?: number;
  /**
   * Sees every opened event. With `keep: false` events are only passed here, not recorded
   * (load tools with thousands of clients would otherwise hold every message many times).
   */
  observe?: (event: keyof ServerEventMap, payload: unknown) => void;
  keep?: boolean;
  /**
   * The browser this client plays: its identity key. Default: the one browser of each name
   * (per test process), so a name's logins in different tests are its owner coming back.
   */
  identity?: IdentityKey;
  /** Open end-to-end private messages from browsers (publishes key packages at each join). */
  e2ee?: boolean;
  /** The channel's crypto: Web Crypto as in the browser (default), or `nodeCryptoChannels`. */
  channels?: ChannelMaker;
  /**
   * The identity key its end-to-end credentials claim (default: the one it logs in with). Another
   * key plays a server that swapped a key package.
   */
  e2eeIdentity?: IdentityKey;
}

const browsers = new Map<string, Promise<IdentityKey>>();

/** The identity key of the browser that uses this name (folded as the server roughly does). */
function browserOf(username: string): Promise<IdentityKey> {
  const name = username.normalize('NFKC').trim().toLowerCase();
  let browser = browsers.get(name);
  if (!browser) browsers.set(name, (browser = createIdentityKey()));
  return browser;
}

/**
 * A real socket.io-client speaking the real protocol through the shared `SecureChatClient`,
 * recording every opened event so tests can wait for or rule out what they expect.
 */
export class ChatClient {
  readonly received: Received[] = [];
  readonly failures: SecureClientFailure[] = [];
  /** Codes of refused handshakes (`connect_error`), e.g. `rate_limited`. */
  readonly connectErrors: string[] = [];
  fingerprint?: string;
  readyCount = 0;
  disconnects = 0;
  /** The name it holds, its resume token and last public message: the browser's policy. */
  private readonly keeper = new SessionKeeper();
  /** Rewrites the next outgoing envelope (tamper tests). */
  private rewriteNext?: (
    event: string,
    envelope: SealedEnvelope,
  ) => [string, SealedEnvelope];
  readonly sent: [string, SealedEnvelope][] = [];
  /** Messages sent with `say`/`whisper` that the server has not confirmed yet. */
  readonly outbox = new Outbox();
  get username(): string | undefined {
    return this.keeper.username;
  }

  get resumeToken(): string | undefined {
    return this.keeper.resumeToken;
  }

  /** The highest public message id received (history or live). */
  get lastMessageId(): number | undefined {
    return this.keeper.lastMessageId;
  }
  private readonly secure: SecureChatClient;
  private waiters: (() => void)[] = [];
  /** The identity key its logins prove; unset: each name's own browser. */
  identity?: IdentityKey;
  /** Set with the `e2ee` option. */
  e2ee?: E2eePeer;

  private constructor(
    readonly socket: Socket,
    pin?: string,
    private readonly resilient = false,
    private readonly retryScale = 1,
    private readonly observe?: ConnectOptions['observe'],
    private readonly keep = true,
    retryRefused = true,
    channels?: ChannelMaker,
  ) {
    const emit = socket.emit.bind(socket) as (
      event: string,
      ...args: unknown[]
    ) => Socket;
    // every envelope goes through here, so tests can capture, tamper with or replay it
    socket.emit = ((event: string, envelope: SealedEnvelope) => {
      let out: [string, SealedEnvelope] = [event, envelope];
      if (this.rewriteNext) {
        out = this.rewriteNext(event, envelope);
        this.rewriteNext = undefined;
      }
      this.sent.push(out);
      return emit(...out);
    }) as Socket['emit'];
    socket.on('disconnect', () => {
      this.disconnects++;
      this.notify();
    });
    socket.on(
      'connect_error',
      (error: Error & { data?: { code?: string } }) => {
        this.connectErrors.push(error.data?.code ?? error.message);
        this.notify();
      },
    );
    this.secure = new SecureChatClient(socket, {
      trust: (fp) => pin === undefined || fp === pin,
      onReady: (fp) => {
        this.fingerprint = fp;
        this.readyCount++;
        const step = this.resilient && this.keeper.reconnected();
        if (step) this.rejoin(step);
        this.notify();
      },
      onEvent: (event, payload) => {
        const message = payload as Partial<PrivateMessagePayload>;
        if (
          this.e2ee &&
          event === ServerEvent.PrivateMessageCreated &&
          message.e2ee &&
          message.from !== this.username
        ) {
          // someone else's: recorded once opened, as the browser shows it
          void this.e2ee
            .reveal(payload as PrivateMessagePayload)
            .then((opened) => opened && this.record(event, opened));
          return;
        }
        if (event === ServerEvent.KeyPackagesLow) this.e2ee?.low();
        this.record(event, payload);
      },
      onFailure: (reason) => {
        this.failures.push(reason);
        this.notify();
      },
      retryRefused,
      channels,
    });
  }

  /** Connects and waits until the sealed channel is ready. */
  static async connect(
    url: string,
    options: ConnectOptions = {},
  ): Promise<ChatClient> {
    const {
      pin,
      resilient,
      retryScale,
      observe,
      keep,
      identity,
      e2ee,
      e2eeIdentity,
      channels,
      ...socketOptions
    } = options;
    const socket = io(url, {
      autoConnect: false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
      transports: ['websocket'],
      forceNew: true,
      ...socketOptions,
    });
    const client = new ChatClient(
      socket,
      pin,
      resilient,
      retryScale,
      observe,
      keep,
      socketOptions.reconnection !== false,
      channels,
    );
    client.identity = identity;
    if (e2ee)
      client.e2ee = new E2eePeer(
        (event, payload) => client.send(event, payload),
        e2eeIdentity,
      );
    socket.connect();
    await client.until(
      () =>
        client.readyCount > 0 ||
        client.failures.length > 0 ||
        // without reconnection, a refusal or a close before the channel was ready is final
        (socketOptions.reconnection === false &&
          client.connectErrors.length + client.disconnects > 0),
      'channel ready',
    );
    return client;
  }

  /** Connects as `username` and waits for the join to be confirmed. */
  static async login(
    url: string,
    username: string,
    options: ConnectOptions = {},
  ): Promise<ChatClient> {
    const client = await ChatClient.connect(url, options);
    await client.requestLogin(username);
    if (options.keep === false)
      // load tools: a login among thousands may wait behind everyone else's
      await client.until(() => client.username !== undefined, 'joined', 60_000);
    else await client.next(ServerEvent.SessionJoined);
    return client;
  }

  /** Sends `session:login` with this client's identity proof for the current connection. */
  async requestLogin(username: string, lastMessageId?: number): Promise<void> {
    const identity = this.identity ?? (await browserOf(username));
    return this.secure.login({ username, lastMessageId }, identity);
  }

  /** Logs in under `username` on this connection: `joined`, or the refusal the server sent. */
  async tryLogin(
    username: string,
    timeoutMs = 15_000,
  ): Promise<'joined' | ExceptionPayload> {
    const joins = this.all(ServerEvent.SessionJoined).length;
    const refusals = this.all(ServerEvent.Exception).length;
    await this.requestLogin(username);
    await this.until(
      () =>
        this.all(ServerEvent.SessionJoined).length > joins ||
        this.all(ServerEvent.Exception).length > refusals,
      `an answer to ${username}'s login`,
      timeoutMs,
    );
    return this.all(ServerEvent.SessionJoined).length > joins
      ? 'joined'
      : this.all(ServerEvent.Exception)[refusals];
  }

  /** A public message through the outbox (at-least-once); returns its client id. */
  say(text: string): string {
    return this.queue({
      event: ClientEvent.MessageSend,
      payload: { clientId: randomUUID(), text },
    });
  }

  /**
   * A private message through the outbox, as a stand-in ciphertext (`relayedPrivate`: for tests
   * of delivery, read back with `relayedText`); returns its client id.
   */
  whisper(to: string, text: string): string {
    return this.queue({
      event: ClientEvent.PrivateMessageSend,
      payload: relayedPrivate(randomUUID(), to, text),
    });
  }

  /** Every public message received, in arrival order (history pages and live). */
  publicMessages(): MessagePayload[] {
    return this.received.flatMap((r) =>
      r.event === ServerEvent.MessageHistory
        ? (r.payload as { messages: MessagePayload[] }).messages
        : r.event === ServerEvent.MessageCreated
          ? [r.payload as MessagePayload]
          : [],
    );
  }

  /** Who is online now as this client sees it: its last welcome, the pages it asked for, then joins and leaves. */
  online(): string[] {
    const list = new OnlineList();
    for (const { event, payload } of this.received) {
      if (event === ServerEvent.SessionJoined)
        list.reset(payload as SessionJoinedPayload);
      else if (event === ServerEvent.UsersPage)
        list.page(payload as UsersPagePayload);
      else if (event === ServerEvent.UserJoined)
        list.joined((payload as UserJoinedPayload).user);
      else if (event === ServerEvent.UserLeft)
        list.left((payload as UserLeftPayload).username);
    }
    return list.users.map((u) => u.username);
  }

  send<E extends keyof ClientEventMap>(
    event: E,
    payload: ClientEventMap[E],
  ): Promise<void> {
    return this.secure.send(event, payload);
  }

  /** Sends a payload whose shape the types would refuse (bad-input tests). */
  sendRaw(event: string, payload: unknown): Promise<void> {
    return this.secure.send(event as keyof ClientEventMap, payload as never);
  }

  tamperNext(
    rewrite: (
      event: string,
      envelope: SealedEnvelope,
    ) => [string, SealedEnvelope],
  ): void {
    this.rewriteNext = rewrite;
  }

  /** Waits for the first not-yet-consumed event of this kind that matches, and consumes it. */
  async next<E extends keyof ServerEventMap>(
    event: E,
    match: (payload: ServerEventMap[E]) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerEventMap[E]> {
    let found: Received | undefined;
    await this.until(
      () => {
        found = this.received.find(
          (r) =>
            !r.taken &&
            r.event === event &&
            match(r.payload as ServerEventMap[E]),
        );
        return found !== undefined;
      },
      `${event}`,
      timeoutMs,
    );
    found!.taken = true;
    return found!.payload as ServerEventMap[E];
  }

  /** The next `exception` for the given command. */
  nextError(event?: string, timeoutMs?: number): Promise<ExceptionPayload> {
    return this.next(
      ServerEvent.Exception,
      (e) => event === undefined || e.event === event,
      timeoutMs,
    );
  }

  all<E extends keyof ServerEventMap>(event: E): ServerEventMap[E][] {
    return this.received
      .filter((r) => r.event === event)
      .map((r) => r.payload as ServerEventMap[E]);
  }

  async until(
    condition: () => boolean,
    what: string,
    timeoutMs = 5000,
  ): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}: ${this.state()}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  /** What this client went through, for a timeout's message: a flaky run explains itself. */
  private state(): string {
    const events = this.received
      .slice(-8)
      .map(({ event, payload }) =>
        event === ServerEvent.Exception
          ? `${event}(${(payload as ExceptionPayload).code})`
          : event,
      );
    return [
      `${this.username ?? 'no name'}, ${this.readyCount} ready, ${this.disconnects} disconnects`,
      `connect errors [${this.connectErrors.join(', ')}], failures [${this.failures.join(', ')}]`,
      `last events [${events.join(', ')}]`,
    ].join('; ');
  }

  private queue(item: Parameters<Outbox['add']>[0]): string {
    const outgoing = this.outbox.add(item);
    if (this.username) this.transmit(outgoing);
    return outgoing.payload.clientId;
  }

  private transmit(item: Outgoing): void {
    this.outbox.attempt(item.payload.clientId);
    void this.secure
      .send(item.event, item.payload as never)
      .catch(() => undefined); // offline: resent after the next join
  }

  private rejoin(step: Rejoin): void {
    const request =
      'resume' in step
        ? this.send(ClientEvent.SessionResume, step.resume)
        : this.requestLogin(step.login.username, step.login.lastMessageId);
    void request.catch(() => undefined);
  }

  private record(event: keyof ServerEventMap, payload: unknown): void {
    if (this.keep) this.received.push({ event, payload, taken: false });
    this.track(event, payload);
    this.observe?.(event, payload);
    this.notify();
  }

  private track(event: keyof ServerEventMap, payload: unknown): void {
    if (event === ServerEvent.SessionJoined) {
      const joined = payload as SessionJoinedPayload;
      this.keeper.joined(joined);
      if (this.e2ee)
        void (
          this.identity
            ? Promise.resolve(this.identity)
            : browserOf(joined.username)
        ).then((identity) => this.e2ee?.joined(joined.username, identity));
      if (this.resilient)
        for (const item of this.outbox.pending()) this.transmit(item);
    } else if (
      event === ServerEvent.MessageCreated ||
      event === ServerEvent.MessageHistory
    ) {
      const messages =
        event === ServerEvent.MessageCreated
          ? [payload as MessagePayload]
          : (payload as { messages: MessagePayload[] }).messages;
      for (const m of messages) {
        this.keeper.heard(m.id);
        if (m.from === this.username) this.outbox.acknowledge(m.clientId);
      }
    } else if (event === ServerEvent.PrivateMessageCreated) {
      const m = payload as { from: string; clientId: string };
      if (m.from === this.username) this.outbox.acknowledge(m.clientId);
    } else if (event === ServerEvent.Exception) {
      const error = payload as ExceptionPayload;
      // the held name expired (long outage, restart): claim it again and keep our place
      const step = this.resilient ? this.keeper.refused(error) : undefined;
      if (step && step !== 'gone') {
        this.rejoin(step);
        return;
      }
      const item = this.outbox.refuse(error);
      if (this.resilient && item?.state === 'pending') {
        setTimeout(
          () => item.state === 'pending' && this.transmit(item),
          retryDelayMs(item.attempts) * this.retryScale,
        ).unref();
      }
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  close(): void {
    this.secure.close();
  }
}

/** Resolves with the `connect_error` a refused handshake produces. */
export function connectError(
  url: string,
  auth: unknown,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<Error & { data?: unknown }> {
  const socket = io(url, {
    auth: auth as object,
    reconnection: false,
    forceNew: true,
    transports: ['websocket'],
    ...options,
  });
  return new Promise((resolve, reject) => {
    socket.on('connect_error', (error) => {
      socket.close();
      resolve(error);
    });
    socket.on('connect', () => {
      socket.close();
      reject(
        new Error('connected although the handshake should have been refused'),
      );
    });
  });
}
