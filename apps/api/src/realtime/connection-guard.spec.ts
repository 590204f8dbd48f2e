import { ClientEvent } from '@app/shared';

import type { ConnectionLimits } from '../config/app-config.service';
import { SocketRateLimit } from './connection-guard';

const limits: ConnectionLimits = {
  eventsPerSecond: 10,
  eventBurst: 20,
  chunksPerSecond: 1000,
  handshakesPerMinute: 300,
  maxConnectionsPerAddress: 500,
  maxUnauthenticated: 1000,
  loginTimeoutMs: 60_000,
};

describe('SocketRateLimit (L30)', () => {
  it('refuses chat commands past the burst, then disconnects a socket that keeps going', () => {
    const limit = new SocketRateLimit(limits, 0);
    const verdicts = Array.from({ length: 100 }, () =>
      limit.check(ClientEvent.MessageSend, 0),
    );
    expect(verdicts.slice(0, 20)).toEqual(Array(20).fill('ok'));
    expect(verdicts.slice(20, 70)).toEqual(Array(50).fill('refused'));
    expect(verdicts[70]).toBe('disconnect');
  });

  it('counts file chunks apart, so a file transfer does not starve chat', () => {
    const limit = new SocketRateLimit(limits, 0);
    for (let i = 0; i < 200; i++)
      expect(limit.check(ClientEvent.FileChunk, 0)).toBe('ok');
    expect(limit.check(ClientEvent.MessageSend, 0)).toBe('ok');
  });

  it('forgives occasional refusals once the window has passed', () => {
    const limit = new SocketRateLimit(limits, 0);
    let now = 0;
    // one short burst over the limit every 11 s, for a long time: never disconnected
    for (let round = 0; round < 20; round++, now += 11_000) {
      const verdicts = Array.from({ length: 30 }, () =>
        limit.check(ClientEvent.MessageSend, now),
      );
      expect(verdicts).not.toContain('disconnect');
      expect(verdicts).toContain('refused');
    }
  });
});
