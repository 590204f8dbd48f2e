import { generateKeyPairSync } from 'node:crypto';

import {
  Limits,
  createClientOffer,
  SecureChatClient,
  ServerEvent,
  type SocketLike,
} from '@app/shared';

import { CryptoService } from './crypto.service';

const service = new CryptoService(
  generateKeyPairSync('rsa', { modulusLength: 2048 }),
);

/** A socket.io-client stand-in that hands the shared client what the server "sends". */
function fakeSocket() {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  let any: (event: string, ...args: unknown[]) => void = () => undefined;
  const calls = { connect: 0, disconnect: 0 };
  const socket: SocketLike = {
    auth: undefined,
    connected: true,
    on: (event, listener) =>
      handlers.set(event, listener as (...args: unknown[]) => void),
    onAny: (listener) => (any = listener),
    emit: () => true,
    connect: () => calls.connect++,
    disconnect: () => calls.disconnect++,
  };
  const deliver = (event: string, payload: unknown) => {
    handlers.get(event)?.(payload);
    any(event, payload);
  };
  return { socket, deliver, calls };
}

/** A shared client whose handshake with the real server side is done; `events` is what it got. */
async function handshaken() {
  const { socket, deliver } = fakeSocket();
  const events: [string, unknown][] = [];
  let ready = false;
  new SecureChatClient(socket, {
    trust: () => true,
    onReady: () => (ready = true),
    onEvent: (event, payload) => events.push([event, payload]),
    onFailure: (reason) => events.push(['failure', reason]),
  });
  const offer = await new Promise<unknown>((resolve) =>
    (socket.auth as (send: (offer: unknown) => void) => void)(resolve),
  );
  const accepted = await service.acceptOffer(offer);
  deliver(ServerEvent.SessionReady, accepted.ready);
  return { deliver, events, accepted, ready: () => ready };
}

describe('the shared client against the server channel (real crypto on both sides)', () => {
  it('opens a server frame far over the 80 KB client-frame limit: the user list of a big room', async () => {
    const { deliver, events, accepted, ready } = await handshaken();
    // 3,000 users of 32-character names: about 250 KB of JSON
    const users = Array.from({ length: 3000 }, (_, i) => ({
      username: `user-${String(i).padStart(26, '0')}`,
      since: new Date(0).toISOString(),
    }));
    const joined = {
      username: users[0].username,
      resumeToken: 't',
      graceMs: 30_000,
      resumed: false,
      users,
    };
    const envelope = accepted.channel.seal(ServerEvent.SessionJoined, joined);
    expect(envelope.box.length).toBeGreaterThan(Limits.maxFrameBytes * 3);
    deliver(ServerEvent.SessionJoined, envelope);
    for (let i = 0; i < 200 && events.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(ready()).toBe(true);
    expect(events).toEqual([[ServerEvent.SessionJoined, joined]]);
  });

  it('C52: a second session:ready on a live connection is ignored; the channel stays', async () => {
    const { deliver, events, accepted } = await handshaken();
    const other = await service.acceptOffer((await createClientOffer()).offer);
    deliver(ServerEvent.SessionReady, other.ready);
    const at = new Date(0).toISOString();
    const message = { id: 1, clientId: 'c', from: 'bob', text: 'hi', at };
    deliver(
      ServerEvent.MessageCreated,
      accepted.channel.seal(ServerEvent.MessageCreated, message),
    );
    for (let i = 0; i < 200 && events.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual([[ServerEvent.MessageCreated, message]]);
  });

  it('hands a presence batch on as its joins and leaves, in order', async () => {
    const { deliver, events, accepted } = await handshaken();
    const at = new Date(0).toISOString();
    const bob = { user: { username: 'bob', since: at }, at };
    const left = { username: 'carol', at, reason: 'logout' as const };
    const sealed = accepted.channel.seal(ServerEvent.Presence, {
      changes: [{ joined: bob }, { left }],
    });
    // as the server sends a small box: base64 text
    deliver(ServerEvent.Presence, {
      ...sealed,
      box: Buffer.from(sealed.box).toString('base64'),
    });
    for (let i = 0; i < 200 && events.length < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual([
      [ServerEvent.UserJoined, bob],
      [ServerEvent.UserLeft, left],
    ]);
  });
});

describe('SecureChatClient after a refused handshake', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function refusable(retryRefused?: boolean) {
    const { socket, deliver, calls } = fakeSocket();
    (socket as { connected: boolean }).connected = false;
    const client = new SecureChatClient(socket, {
      trust: () => true,
      onReady: () => undefined,
      onEvent: () => undefined,
      onFailure: () => undefined,
      retryRefused,
    });
    const refuse = () =>
      deliver('connect_error', { data: { code: 'unavailable' } });
    return { client, deliver, calls, refuse };
  }

  it('tries again by itself (socket.io gives up on a refusal), later after each refusal in a row', () => {
    const { calls, refuse } = refusable();
    refuse();
    jest.advanceTimersByTime(999);
    expect(calls.connect).toBeLessThanOrEqual(1);
    jest.advanceTimersByTime(1);
    expect(calls.connect).toBe(1);
    refuse();
    jest.advanceTimersByTime(999);
    expect(calls.connect).toBe(1); // the second wait is 1 to 2 s
    jest.advanceTimersByTime(1001);
    expect(calls.connect).toBe(2);
  });

  it('leaves a dropped transport to socket.io, and retries nothing after close() or when told not to', () => {
    const dropped = refusable();
    dropped.deliver('connect_error', new Error('websocket error'));
    jest.advanceTimersByTime(60_000);
    expect(dropped.calls.connect).toBe(0);

    const closed = refusable();
    closed.refuse();
    closed.client.close();
    jest.advanceTimersByTime(60_000);
    expect(closed.calls).toEqual({ connect: 0, disconnect: 1 });

    const told = refusable(false);
    told.refuse();
    jest.advanceTimersByTime(60_000);
    expect(told.calls.connect).toBe(0);
  });
});

describe('L69: SecureChatClient when the server keeps sending a frame it must refuse', () => {
  /** One connection: a handshake with the real server side, then a frame that does not open. */
  async function connectAndRefuse(
    socket: SocketLike,
    deliver: (event: string, payload: unknown) => void,
    failures: string[],
  ): Promise<void> {
    const before = failures.length;
    deliver('disconnect', 'transport close');
    const offer = await new Promise<unknown>((resolve) =>
      (socket.auth as (send: (offer: unknown) => void) => void)(resolve),
    );
    deliver(ServerEvent.SessionReady, (await service.acceptOffer(offer)).ready);
    // sealed for another channel: what an out-of-sequence or oversized frame amounts to
    const other = await service.acceptOffer((await createClientOffer()).offer);
    const at = new Date(0).toISOString();
    deliver(
      ServerEvent.MessageCreated,
      other.channel.seal(ServerEvent.MessageCreated, {
        id: 1,
        clientId: 'c',
        from: 'bob',
        text: 'hi',
        at,
      }),
    );
    for (let i = 0; i < 300 && failures.length === before; i++)
      await new Promise((r) => setTimeout(r, 10));
  }

  function client(onReady: () => void = () => undefined) {
    const { socket, deliver, calls } = fakeSocket();
    const failures: string[] = [];
    new SecureChatClient(socket, {
      trust: () => true,
      onReady,
      onEvent: () => undefined,
      onFailure: (reason) => failures.push(reason),
    });
    return { socket, deliver, calls, failures };
  }

  it('L69: refused right after three handshakes in a row, it stops and says so instead of reconnecting into the same frame', async () => {
    const { socket, deliver, calls, failures } = client();
    for (let i = 0; i < 3; i++)
      await connectAndRefuse(socket, deliver, failures);
    expect(failures).toEqual([
      'decrypt_failed',
      'decrypt_failed',
      'refused_repeatedly',
    ]);
    expect(calls.disconnect).toBe(1);
  });

  it('L69: a refusal long after its handshake is a fresh start: reconnecting stays the answer', async () => {
    let now = Date.now();
    // each channel's bad frame comes a minute after its handshake
    const { socket, deliver, calls, failures } = client(() => (now += 61_000));
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      for (let i = 0; i < 4; i++)
        await connectAndRefuse(socket, deliver, failures);
    } finally {
      clock.mockRestore();
    }
    expect(failures).toEqual(Array(4).fill('decrypt_failed'));
    expect(calls.disconnect).toBe(0);
  });
});
