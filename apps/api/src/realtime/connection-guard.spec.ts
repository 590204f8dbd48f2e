import { ClientEvent } from '@app/shared';

import type { ConnectionLimits } from '../config/app-config.service';
import { AppConfigService, loadConfig } from '../config/app-config.service';
import type { ChatSocket } from './chat-socket';
import {
  ConnectionGuard,
  EVICTED_NOTICE,
  SocketRateLimit,
} from './connection-guard';

const limits: ConnectionLimits = {
  eventsPerSecond: 10,
  eventBurst: 20,
  chunksPerSecond: 1000,
  handshakesPerMinute: 300,
  addressEventsPerSecond: 30,
  maxConnectionsPerAddress: 500,
  maxUnauthenticated: 1000,
  maxUnauthenticatedPerAddress: 100,
  loginTimeoutMs: 60_000,
  roomDeliveriesPerSecond: 20_000,
  roomAddressSharePercent: 20,
  unsentBytesPerConnection: 4096 * 1024,
  loginRefusalsPerConnection: 5,
};

describe('SocketRateLimit (L30)', () => {
  it('refuses chat commands past the burst, then disconnects a socket that keeps going', () => {
    const limit = new SocketRateLimit(limits, 0);
    const verdicts = Array.from({ length: 100 }, () =>
      limit.check(ClientEvent.MessageSend, true, 0),
    );
    expect(verdicts.slice(0, 20)).toEqual(Array(20).fill('ok'));
    expect(verdicts.slice(20, 70)).toEqual(Array(50).fill('refused'));
    expect(verdicts[70]).toBe('disconnect');
  });

  it('counts file chunks apart, so a file transfer does not starve chat', () => {
    const limit = new SocketRateLimit(limits, 0);
    for (let i = 0; i < 200; i++)
      expect(limit.check(ClientEvent.FileChunk, true, 0)).toBe('ok');
    expect(limit.check(ClientEvent.MessageSend, true, 0)).toBe('ok');
  });

  it('refuses when the address as a whole is over its budget', () => {
    const limit = new SocketRateLimit(limits, 0);
    expect(limit.check(ClientEvent.MessageSend, false, 0)).toBe('refused');
    expect(limit.check(ClientEvent.MessageSend, true, 0)).toBe('ok');
  });

  it('forgives occasional refusals once the window has passed', () => {
    const limit = new SocketRateLimit(limits, 0);
    let now = 0;
    // one short burst over the limit every 11 s, for a long time: never disconnected
    for (let round = 0; round < 20; round++, now += 11_000) {
      const verdicts = Array.from({ length: 30 }, () =>
        limit.check(ClientEvent.MessageSend, true, now),
      );
      expect(verdicts).not.toContain('disconnect');
      expect(verdicts).toContain('refused');
    }
  });
});

describe('ConnectionGuard (L30, L31)', () => {
  const socket = (address: string) =>
    ({ data: { address } }) as unknown as ChatSocket;
  /** A connection as the handshake middleware and the gateway make one: admitted, then opened. */
  const open = (
    g: ConnectionGuard,
    s: ChatSocket,
    onLoginTimeout: () => void = () => undefined,
  ) => {
    expect(g.admit(s.data.address)).toBeUndefined();
    g.opened(s, onLoginTimeout);
  };

  const guard = () =>
    new ConnectionGuard(
      new AppConfigService({
        ...loadConfig({}),
        limits: {
          ...limits,
          maxConnectionsPerAddress: 2,
          maxUnauthenticated: 3,
        },
      }),
    );

  it('shares one chat budget among the connections of an address', () => {
    const g = guard();
    const [a, b, c] = [
      socket('10.0.0.1'),
      socket('10.0.0.1'),
      socket('10.0.0.2'),
    ];
    for (const s of [a, b, c]) open(g, s);
    const verdicts = Array.from({ length: 40 }, (_, i) =>
      g.check(i % 2 ? a : b, ClientEvent.MessageSend),
    );
    // 30 per second for the address, though each socket alone could send 20 at once
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(30);
    expect(g.check(c, ClientEvent.MessageSend)).toBe('ok');
    for (const s of [a, b, c]) g.closed(s);
  });

  it('caps open connections per address and connections not logged in, and frees them on close', () => {
    const g = guard();
    const sockets = [socket('10.0.0.1'), socket('10.0.0.1')];
    for (const s of sockets) {
      expect(g.admit('10.0.0.1')).toBeUndefined();
      g.opened(s, () => undefined);
    }
    expect(g.admit('10.0.0.1')).toBe('rate_limited');
    expect(g.admit('10.0.0.3')).toBeUndefined();
    g.opened(socket('10.0.0.3'), () => undefined);
    // three not logged in: the cap (10.0.0.3 holds too many to take another's place, L75)
    expect(g.admit('10.0.0.3')).toBe('rate_limited');
    g.authenticated(sockets[0]);
    expect(g.admit('10.0.0.4')).toBeUndefined();
    g.closed(sockets[1]);
    expect(g.admit('10.0.0.1')).toBeUndefined();
  });

  it('counts a handshake under way against the caps until it opens or is abandoned', () => {
    const g = guard();
    // three handshakes admitted, none finished: the cap on connections not logged in is full
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
      expect(g.admit(address)).toBeUndefined();
    expect(g.admit('10.0.0.4')).toBe('rate_limited');
    g.abandoned('10.0.0.2');
    expect(g.admit('10.0.0.4')).toBeUndefined();
  });

  it('L43: an address gets only its share of the pool of connections not logged in', () => {
    const g = new ConnectionGuard(
      new AppConfigService({
        ...loadConfig({}),
        limits: {
          ...limits,
          maxUnauthenticated: 10,
          maxUnauthenticatedPerAddress: 2,
        },
      }),
    );
    const held = [socket('10.0.0.9'), socket('10.0.0.9')];
    for (const s of held) open(g, s);
    // the third idle connection from the same place is refused; others still get in
    expect(g.admit('10.0.0.9')).toBe('rate_limited');
    expect(g.admit('10.0.0.10')).toBeUndefined();
    // logging in frees the share
    g.authenticated(held[0]);
    expect(g.admit('10.0.0.9')).toBeUndefined();
  });

  describe('L75: the pool of connections not logged in is shared fairly', () => {
    const pool = (maxUnauthenticated: number, perAddress: number) =>
      new ConnectionGuard(
        new AppConfigService({
          ...loadConfig({}),
          limits: {
            ...limits,
            maxUnauthenticated,
            maxUnauthenticatedPerAddress: perAddress,
          },
        }),
      );
    /** Opens connections from `address` until one is refused; returns those admitted. */
    const fill = (g: ConnectionGuard, address: string, close = jest.fn()) => {
      const admitted: ChatSocket[] = [];
      while (admitted.length < 1000 && g.admit(address) === undefined) {
        const s = socket(address);
        g.opened(s, close);
        admitted.push(s);
      }
      return admitted;
    };

    it('L75: shares shrink as the pool fills: ten addresses cannot fill it, an eleventh gets in', () => {
      const g = pool(1000, 100);
      const held = Array.from({ length: 10 }, (_, i) => fill(g, `10.0.1.${i}`));
      // the first got nearly its tenth; later ones less, as the pool filled
      expect(held[0].length).toBeGreaterThan(90);
      expect(held[9].length).toBeLessThan(held[0].length / 2);
      const total = held.reduce((sum, h) => sum + h.length, 0);
      expect(total).toBeLessThan(1000);
      expect(g.admit('10.0.2.1')).toBeUndefined();
      // none of them can take more
      for (let i = 0; i < 10; i++)
        expect(g.admit(`10.0.1.${i}`)).toBe('rate_limited');
    });

    it("L75: a full pool: a newcomer takes the place of the fullest address's oldest idle connection, told why", () => {
      const g = pool(4, 4);
      const close = jest.fn();
      const [oldest, second] = fill(g, '10.0.0.1', close);
      // shares shrink: with two of four places taken, an address may hold two
      expect(second).toBeDefined();
      expect(g.admit('10.0.0.1')).toBe('rate_limited');
      open(g, socket('10.0.0.2'));
      open(g, socket('10.0.0.3'));
      // full: 10.0.0.4 holds none, 10.0.0.1 two, its oldest makes room
      expect(g.admit('10.0.0.4')).toBeUndefined();
      expect(close).toHaveBeenCalledTimes(1);
      expect(close).toHaveBeenCalledWith(EVICTED_NOTICE);
      // the evicted one's close frees nothing twice: the pool is still full
      g.closed(oldest);
      g.opened(socket('10.0.0.4'), () => undefined);
      // everyone holds one now: nobody's place is taken any more
      expect(g.admit('10.0.0.5')).toBe('rate_limited');
      expect(close).toHaveBeenCalledTimes(1);
      g.closed(second);
      expect(g.admit('10.0.0.5')).toBeUndefined();
    });

    it('L75: a connection that logged in, or a handshake under way, is never evicted', () => {
      const g = pool(3, 3);
      const close = jest.fn();
      const [a, b] = [socket('10.0.0.1'), socket('10.0.0.1')];
      expect(g.admit('10.0.0.1')).toBeUndefined();
      g.opened(a, close);
      g.authenticated(a);
      // two handshakes under way from 10.0.0.1, one idle from 10.0.0.2: full
      expect(g.admit('10.0.0.1')).toBeUndefined();
      expect(g.admit('10.0.0.1')).toBeUndefined();
      open(g, socket('10.0.0.2'));
      expect(g.admit('10.0.0.3')).toBe('rate_limited');
      // once one of them is idle, it is the one that goes
      g.opened(b, close);
      expect(g.admit('10.0.0.3')).toBeUndefined();
      expect(close).toHaveBeenCalledTimes(1);
    });
  });

  it('L41: frames that fail to open cost the budget, and the third closes the connection', () => {
    const g = guard();
    const s = socket('10.0.0.5');
    open(g, s);
    expect(g.undecryptable(s)).toBe(false);
    expect(g.undecryptable(s)).toBe(false);
    expect(g.undecryptable(s)).toBe(true);
  });

  it('closes a connection that has not logged in within the timeout', () => {
    jest.useFakeTimers();
    try {
      const g = guard();
      const idle = jest.fn();
      const patient = jest.fn();
      const a = socket('10.0.0.1');
      const b = socket('10.0.0.2');
      open(g, a, idle);
      open(g, b, patient);
      g.authenticated(b);
      jest.advanceTimersByTime(limits.loginTimeoutMs);
      expect(idle).toHaveBeenCalledWith('Closed: no login in time.');
      expect(patient).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });
});
