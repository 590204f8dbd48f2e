import {
  ClientEvent,
  type ClientEventMap,
  type ExceptionPayload,
  type SealedEnvelope,
  SecureChatClient,
  type SecureClientFailure,
  ServerEvent,
  type ServerEventMap,
  type SessionJoinedPayload,
} from '@app/shared';
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
}

/**
 * A real socket.io-client speaking the real protocol through the shared `SecureChatClient`,
 * recording every opened event so tests can wait for or rule out what they expect.
 */
export class ChatClient {
  readonly received: Received[] = [];
  readonly failures: SecureClientFailure[] = [];
  fingerprint?: string;
  readyCount = 0;
  username?: string;
  resumeToken?: string;
  /** Rewrites the next outgoing envelope (tamper tests). */
  private rewriteNext?: (
    event: string,
    envelope: SealedEnvelope,
  ) => [string, SealedEnvelope];
  readonly sent: [string, SealedEnvelope][] = [];
  private readonly secure: SecureChatClient;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    pin?: string,
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
    this.secure = new SecureChatClient(socket, {
      trust: (fp) => pin === undefined || fp === pin,
      onReady: (fp) => {
        this.fingerprint = fp;
        this.readyCount++;
        this.notify();
      },
      onEvent: (event, payload) => {
        this.received.push({ event, payload, taken: false });
        if (event === ServerEvent.SessionJoined) {
          const joined = payload as SessionJoinedPayload;
          this.username = joined.username;
          this.resumeToken = joined.resumeToken;
        }
        this.notify();
      },
      onFailure: (reason) => {
        this.failures.push(reason);
        this.notify();
      },
    });
  }

  /** Connects and waits until the sealed channel is ready. */
  static async connect(
    url: string,
    options: ConnectOptions = {},
  ): Promise<ChatClient> {
    const { pin, ...socketOptions } = options;
    const socket = io(url, {
      autoConnect: false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
      transports: ['websocket'],
      forceNew: true,
      ...socketOptions,
    });
    const client = new ChatClient(socket, pin);
    socket.connect();
    await client.until(
      () => client.readyCount > 0 || client.failures.length > 0,
      'channel ready',
    );
    return client;
  }

  /** Connects as `username` and waits for the join to be confirmed. */
  static async login(url: string, username: string): Promise<ChatClient> {
    const client = await ChatClient.connect(url);
    await client.send(ClientEvent.SessionLogin, { username });
    await client.next(ServerEvent.SessionJoined);
    return client;
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
  nextError(event?: string): Promise<ExceptionPayload> {
    return this.next(
      ServerEvent.Exception,
      (e) => event === undefined || e.event === event,
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
        reject(new Error(`timed out waiting for ${what}`));
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

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  close(): void {
    this.socket.disconnect();
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
