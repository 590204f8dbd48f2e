import { AuditService, RealtimeService } from '@app/api';
import {
  ClientEvent,
  ErrorCode,
  ServerEvent,
  createIdentityKey,
} from '@app/shared';
import type { ChatClient } from '@app/testing';

import { useChatRoom } from './support/chat-room';
import { auditRows, sleep, waitUntilEmpty } from './support/test-server';

/** What one connection may repeat: refused logins, typing notices, logins and logouts. */
describe('abuse of one connection (L72, L77, L78)', () => {
  const room = useChatRoom();

  /** Audit rows of a refused login or resume, and of the requests refused with them. */
  const refusalRows = async () =>
    (await auditRows(room.server, 'login_rejected')).length +
    (await auditRows(room.server, 'resume_rejected')).length +
    (await auditRows(room.server, 'request_rejected')).length;

  it('L72: refused logins and resumes on one connection close it after a few, with a reason, and write a bounded number of audit rows', async () => {
    // a name bound to another browser's identity key, its owner offline
    const owner = await room.login('carol');
    await owner.send(ClientEvent.SessionLogout, {});
    await waitUntilEmpty(room.server);

    const audit = room.server.app.get(AuditService);
    await audit.drain();
    const before = await refusalRows();
    const mallory = await room.connect({
      identity: await createIdentityKey(),
      reconnection: false,
    });
    const attempts = [
      () => mallory.requestLogin('admin'),
      () =>
        mallory.send(ClientEvent.SessionResume, {
          token: 'not-a-token-'.repeat(4),
        }),
      () => mallory.requestLogin('carol'),
    ];
    let sent = 0;
    for (; sent < 50 && mallory.socket.connected; sent++) {
      await attempts[sent % attempts.length]().catch(() => undefined);
      await mallory
        .until(
          () =>
            mallory.all(ServerEvent.Exception).length > sent ||
            !mallory.socket.connected,
          'an answer',
        )
        .catch(() => undefined);
    }
    // closed, after the notice that says why (frames are opened after they arrive)
    await mallory.until(
      () =>
        !mallory.socket.connected &&
        mallory
          .all(ServerEvent.Exception)
          .some((e) => e.code === ErrorCode.RateLimited),
      'closed with a reason',
    );
    const refusals = mallory.all(ServerEvent.Exception);
    expect(sent).toBeLessThanOrEqual(6);
    // each refusal said why, and the last one why the connection closes
    expect(refusals.map((r) => r.code)).toEqual(
      expect.arrayContaining([
        ErrorCode.UsernameReserved,
        ErrorCode.ResumeFailed,
        ErrorCode.NameOwned,
      ]),
    );
    expect(refusals.at(-1)).toMatchObject({
      code: ErrorCode.RateLimited,
      message: expect.stringContaining('refused') as string,
    });
    // at most a row for each refusal and its answer, and one for the closing notice
    await audit.drain();
    expect((await refusalRows()) - before).toBeLessThanOrEqual(2 * sent + 1);

    // the address is not shut out: a new connection logs in
    await room.login('dave');
  });

  it('L77: typing notices to many spellings of one name are throttled as one', async () => {
    const bob = await room.login('bob');
    const alice = await room.login('alice');
    // b/B/ｂ/Ｂ in each place: 64 spellings of the one name "bob"
    const letters = (l: string) => [
      l,
      l.toUpperCase(),
      String.fromCodePoint(l.codePointAt(0)! - 0x61 + 0xff41),
      String.fromCodePoint(l.codePointAt(0)! - 0x61 + 0xff21),
    ];
    const spellings = letters('b').flatMap((b) =>
      letters('o').flatMap((o) => letters('b').map((b2) => b + o + b2)),
    );
    const started = Date.now();
    for (let i = 0; Date.now() - started < 5000; i++) {
      await alice.send(ClientEvent.Typing, {
        to: spellings[i % spellings.length],
      });
      await sleep(60);
    }
    await sleep(200);
    const notices = bob.all(ServerEvent.UserTyping);
    // one notice at most every half typing interval (1.5 s): 4 in 5 s
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.length).toBeLessThanOrEqual(4);
    expect(notices.every((n) => n.from === 'alice' && n.private)).toBe(true);
  });

  it('L78: logging in and out twenty times on one connection adds no listener', async () => {
    const realtime = room.server.app.get(RealtimeService);
    const admitted = jest.spyOn(realtime, 'admit');
    try {
      const client = await room.login('erin');
      const socket = admitted.mock.calls[0][0];
      const listeners = () => ({
        disconnect: socket.listenerCount('disconnect'),
        socket: socket
          .eventNames()
          .reduce((n, name) => n + socket.listenerCount(name), 0),
        transport: socket.conn
          .eventNames()
          .reduce((n, name) => n + socket.conn.listenerCount(name), 0),
      });
      const cycle = async (c: ChatClient) => {
        // two commands a cycle, well within the connection's rate (L30)
        await sleep(100);
        await c.send(ClientEvent.SessionLogout, {});
        const joined = c.all(ServerEvent.SessionJoined).length;
        await c.requestLogin('erin');
        await c.until(
          () => c.all(ServerEvent.SessionJoined).length > joined,
          'joined again',
        );
      };
      await cycle(client);
      const first = listeners();
      for (let i = 0; i < 20; i++) await cycle(client);
      expect(admitted.mock.calls.every(([s]) => s === socket)).toBe(true);
      expect(listeners()).toEqual(first);
    } finally {
      admitted.mockRestore();
    }
  });
});
