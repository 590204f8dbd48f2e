import { EventEmitter } from 'node:events';

import { ErrorCode, ServerEvent } from '@app/shared';
import { Subject } from 'rxjs';

import type { AuditCheckpointsService } from '../audit/audit-checkpoints.service';
import { DomainException } from '../common/domain.exception';
import type { ChatSocket } from './chat-socket';
import { DeliveryService } from './delivery.service';
import type { RealtimeService } from './realtime.service';

/** A socket as the delivery sees it: an id, its data, and engine.io's write queue. */
function fakeSocket(id: string) {
  const conn = Object.assign(new EventEmitter(), {
    writeBuffer: [] as unknown[],
    close: jest.fn(),
  });
  return {
    id,
    connected: true,
    data: {} as ChatSocket['data'],
    conn,
    disconnect: jest.fn(function (this: { connected: boolean }) {
      this.connected = false;
    }),
  };
}

describe('DeliveryService (realtime mocked)', () => {
  const realtime = {
    send: jest.fn(),
    sendToEach: jest.fn(),
    toRoom: jest.fn(),
    admit: jest.fn(),
    depart: jest.fn(),
  };
  let delivery: DeliveryService;

  beforeEach(() => {
    jest.clearAllMocks();
    delivery = new DeliveryService(
      realtime as unknown as RealtimeService,
      {
        created$: new Subject(),
        current: () => undefined,
      } as unknown as AuditCheckpointsService,
    );
  });

  const attach = (memberId: string, socket = fakeSocket(memberId)) => {
    delivery.attach(memberId, memberId, socket as unknown as ChatSocket);
    return socket;
  };

  it('a resume from a new connection supersedes the old one, whose late drop changes nothing', () => {
    const first = attach('m1');
    const second = attach('m1', fakeSocket('m1-again'));
    expect(first.disconnect).toHaveBeenCalledWith(true);
    expect(first.data.sessionId).toBeUndefined();
    delivery.detach('m1', first as unknown as ChatSocket);
    expect(delivery.connectionOf('m1')).toBe(second.id);
    expect(
      delivery.toMember('m1', ServerEvent.UserTyping, {
        from: 'x',
        private: false,
      }),
    ).toBe(true);
    expect(realtime.send).toHaveBeenLastCalledWith(
      second,
      ServerEvent.UserTyping,
      {
        from: 'x',
        private: false,
      },
    );
  });

  it('addresses only connected members, by session id', () => {
    const a = attach('a');
    const b = attach('b');
    // a socket that is not b's current one: nothing happens
    delivery.detach('b', fakeSocket('stale') as unknown as ChatSocket);
    expect(delivery.connectionOf('b')).toBe(b.id);
    delivery.leave('b');
    expect(
      delivery.toMember('b', ServerEvent.UserTyping, {
        from: 'x',
        private: true,
      }),
    ).toBe(false);
    delivery.toMembers(['a', 'b', 'nobody'], ServerEvent.UserTyping, {
      from: 'x',
      private: true,
    });
    expect(realtime.sendToEach).toHaveBeenLastCalledWith(
      [a],
      ServerEvent.UserTyping,
      expect.anything(),
    );
    delivery.toRoom(ServerEvent.UserTyping, { from: 'a', private: false }, [
      'a',
    ]);
    expect(realtime.toRoom).toHaveBeenLastCalledWith(
      ServerEvent.UserTyping,
      expect.anything(),
      [a],
    );
  });

  it('a paced stream waits while the reader is behind, and stops once its connection changed', async () => {
    const socket = attach('r');
    const connection = delivery.connectionOf('r')!;
    socket.conn.writeBuffer.length = 100; // far behind
    let done = false;
    const sent = delivery
      .toConnectionPaced('r', connection, ServerEvent.UserTyping, {
        from: 'x',
        private: true,
      })
      .then((ok) => {
        done = true;
        return ok;
      });
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    socket.conn.writeBuffer.length = 0;
    socket.conn.emit('drain');
    await expect(sent).resolves.toBe(true);
    attach('r', fakeSocket('r-again'));
    await expect(
      delivery.toConnectionPaced('r', connection, ServerEvent.UserTyping, {
        from: 'x',
        private: true,
      }),
    ).resolves.toBe(false);
  });

  it('a release tells the member why and closes its connection; a reconnect keeps the session', () => {
    const kicked = attach('k');
    const reloaded = attach('c');
    delivery.reconnect(
      'c',
      new DomainException(ErrorCode.Unavailable, 'Reconnecting to try again.'),
    );
    expect(realtime.send).toHaveBeenLastCalledWith(
      reloaded,
      ServerEvent.Exception,
      expect.objectContaining({
        code: ErrorCode.Unavailable,
        message: 'Reconnecting to try again.',
      }),
    );
    expect(reloaded.conn.close).toHaveBeenCalled();
    expect(delivery.connected('c')).toBe(true);
    delivery.release('k');
    expect(kicked.disconnect).toHaveBeenCalledWith(true);
    expect(delivery.connected('k')).toBe(false);
    expect(realtime.depart).toHaveBeenCalledWith(kicked);
  });
});
