import { randomUUID } from 'node:crypto';

import { AuditService, RealtimeService } from '@app/api';
import Database from 'better-sqlite3';
import { relayedPrivate } from '@app/testing';
import {
  ClientEvent,
  ErrorCode,
  Limits,
  type MessagePayload,
  ServerEvent,
} from '@app/shared';

import { useChatRoom } from './support/chat-room';
import {
  auditRows,
  auditRecorded,
  lastAuditId,
  messageCount,
  sleep,
} from './support/test-server';

/** Public ids as a client ended up with them: must be gap-free, in order, each once. */
function ids(messages: MessagePayload[]): number[] {
  return messages.map((m) => m.id);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

async function rowsWithClientId(
  room: ReturnType<typeof useChatRoom>,
  clientId: string,
): Promise<number> {
  const [{ n }] = (await room.server.db.query(
    'SELECT COUNT(*) AS n FROM messages WHERE client_id = ?',
    [clientId],
  )) as [{ n: number }];
  return Number(n);
}

describe('delivery: at-least-once, exactly-once stored (R35)', () => {
  const room = useChatRoom({
    DB_BUSY_TIMEOUT_MS: '100',
    RATE_EVENTS_BURST: '1000',
  });

  it('R35: a resend with the same client id, on the same or a new connection, is stored once and answered with the original', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const payload = { clientId: randomUUID(), text: 'only once' };
    await alice.send(ClientEvent.MessageSend, payload);
    await alice.send(ClientEvent.MessageSend, payload);
    const first = await alice.next(ServerEvent.MessageCreated);
    const second = await alice.next(ServerEvent.MessageCreated);
    expect(second).toEqual(first);

    // a new connection that never saw the answer (the ack was lost with the old one): the
    // catch-up brings the stored original, and the resend adds no second copy
    const again = await room.connect();
    await again.send(ClientEvent.SessionResume, {
      token: alice.resumeToken!,
      lastMessageId: first.id - 1,
    });
    await again.next(ServerEvent.SessionJoined);
    await again.send(ClientEvent.MessageSend, payload);
    await again.until(
      () => again.publicMessages().some((m) => m.clientId === payload.clientId),
      'the original',
    );
    await sleep(100);
    expect(
      again.publicMessages().filter((m) => m.clientId === payload.clientId),
    ).toEqual([first]);
    expect(await rowsWithClientId(room, payload.clientId)).toBe(1);
    await sleep(100);
    expect(
      bob
        .all(ServerEvent.MessageCreated)
        .filter((m) => m.clientId === payload.clientId),
    ).toHaveLength(1);
  });

  it('R35: TCP killed right after the emit: the client resends the same id after reconnecting; stored and delivered once', async () => {
    const alice = await room.login('alice', { resilient: true });
    const bob = await room.login('bob');
    const clientIds = [];
    for (let round = 0; round < 5; round++) {
      clientIds.push(alice.say(`round ${round}`));
      // the frame may or may not have left: either way nothing may be lost or doubled
      alice.socket.io.engine.close();
      await alice.until(() => alice.outbox.size === 0, 'outbox empty', 8000);
    }
    for (const clientId of clientIds) {
      expect(await rowsWithClientId(room, clientId)).toBe(1);
    }
    await bob.until(
      () => bob.all(ServerEvent.MessageCreated).length >= 5,
      'five messages',
    );
    await sleep(100);
    const seen = bob.all(ServerEvent.MessageCreated).map((m) => m.clientId);
    expect(seen.sort()).toEqual([...clientIds].sort());
  });

  it('R35: a private message resent after a drop reaches its recipient once', async () => {
    const alice = await room.login('alice', { resilient: true });
    const bob = await room.login('bob');
    const payload = relayedPrivate(randomUUID(), 'bob', 'psst');
    await alice.send(ClientEvent.PrivateMessageSend, payload);
    const original = await alice.next(ServerEvent.PrivateMessageCreated);
    await alice.send(ClientEvent.PrivateMessageSend, payload);
    expect(await alice.next(ServerEvent.PrivateMessageCreated)).toEqual(
      original,
    );
    await sleep(100);
    expect(bob.all(ServerEvent.PrivateMessageCreated)).toEqual([original]);
  });

  it('R35: a resend racing the first attempt (before its audit row is committed) reaches the recipient once', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const payload = relayedPrivate(randomUUID(), 'bob', 'twice?');
    // both sent before either is answered: the second arrives while the first awaits its audit row
    await Promise.all([
      alice.send(ClientEvent.PrivateMessageSend, payload),
      alice.send(ClientEvent.PrivateMessageSend, payload),
    ]);
    await alice.until(
      () => alice.all(ServerEvent.PrivateMessageCreated).length === 2,
      'both acknowledged',
    );
    const [first, second] = alice.all(ServerEvent.PrivateMessageCreated);
    expect(second).toEqual(first);
    await sleep(100);
    expect(bob.all(ServerEvent.PrivateMessageCreated)).toEqual([first]);
    // the same id with other text is refused, not delivered
    await alice.send(
      ClientEvent.PrivateMessageSend,
      relayedPrivate(payload.clientId, 'bob', 'something else'),
    );
    expect(await alice.nextError(ClientEvent.PrivateMessageSend)).toMatchObject(
      { code: ErrorCode.InvalidPayload, field: 'clientId' },
    );
    expect(bob.all(ServerEvent.PrivateMessageCreated)).toHaveLength(1);
  });
});

describe('presence before words', () => {
  const room = useChatRoom({ RATE_EVENTS_BURST: '1000' });

  /** The joins and the given messages in the order the client received them. */
  const arrivals = (
    client: Awaited<ReturnType<typeof room.login>>,
    clientId: string,
  ) =>
    client.received
      .filter(
        (r) =>
          r.event === ServerEvent.UserJoined ||
          (r.payload as { clientId?: string }).clientId === clientId,
      )
      .map((r) =>
        r.event === ServerEvent.UserJoined
          ? `joined ${(r.payload as { user: { username: string } }).user.username}`
          : r.event,
      );

  it("a newcomer's first words, public or private, never reach anyone before their arrival does", async () => {
    const alice = await room.login('alice');
    // said at once, well inside the tick that gathers joins: the join is sent first anyway
    const bob = await room.login('bob');
    const hello = randomUUID();
    await bob.send(ClientEvent.MessageSend, {
      clientId: hello,
      text: 'hi all',
    });
    await alice.next(ServerEvent.MessageCreated, (m) => m.clientId === hello);
    expect(arrivals(alice, hello)).toEqual([
      'joined bob',
      ServerEvent.MessageCreated,
    ]);

    const carol = await room.login('carol');
    const psst = randomUUID();
    await carol.send(
      ClientEvent.PrivateMessageSend,
      relayedPrivate(psst, 'alice', 'psst'),
    );
    await alice.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === psst,
    );
    expect(arrivals(alice, psst)).toEqual([
      'joined bob',
      'joined carol',
      ServerEvent.PrivateMessageCreated,
    ]);
  });
});

describe('catch-up after a disconnect (R36)', () => {
  // these tests send bursts of messages faster than a person could
  const room = useChatRoom({ RATE_EVENTS_BURST: '1000' });

  it('R36: a client that dropped receives every public message it missed, in order, once (also while others keep talking)', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob', { resilient: true });
    for (let i = 0; i < 3; i++) alice.say(`before ${i}`);
    await bob.until(() => bob.publicMessages().length >= 3, 'three');

    // bob's network goes away; alice keeps talking, and talks on while bob reconnects
    bob.socket.io.reconnection(false);
    bob.socket.io.engine.close();
    for (let i = 0; i < 40; i++) alice.say(`while away ${i}`);
    await alice.until(() => alice.outbox.size === 0, 'stored');
    bob.socket.io.reconnection(true);
    bob.socket.connect();
    for (let i = 0; i < 20; i++) {
      alice.say(`during catch-up ${i}`);
      await sleep(2);
    }
    await alice.until(() => alice.outbox.size === 0, 'stored');
    const total = await messageCount(room.server);
    await bob.until(
      () => bob.publicMessages().length >= total,
      `all ${total}`,
      8000,
    );
    await sleep(100);
    const first = bob.publicMessages()[0].id;
    expect(ids(bob.publicMessages())).toEqual(range(first, first + total - 1));
  });

  it('R36: after the name expired (a long outage) the client logs in again and still gets the gap, in order', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob', { resilient: true });
    const marker = alice.say('before');
    await bob.until(
      () => bob.publicMessages().some((m) => m.clientId === marker),
      'the marker',
    );
    const before = bob.lastMessageId!;

    bob.socket.io.reconnection(false);
    bob.socket.io.engine.close();
    // the test server holds a dropped name for 1.5 s
    await alice.next(ServerEvent.UserLeft, (u) => u.username === 'bob', 5000);
    for (let i = 0; i < 10; i++) alice.say(`gap ${i}`);
    await alice.until(() => alice.outbox.size === 0, 'stored');
    bob.socket.io.reconnection(true);
    bob.socket.connect();
    await bob.until(
      () => (bob.lastMessageId ?? 0) >= before + 10,
      'the gap',
      8000,
    );
    expect(bob.all(ServerEvent.Exception)).toContainEqual(
      expect.objectContaining({ code: ErrorCode.ResumeFailed }),
    );
    const after = bob.publicMessages().filter((m) => m.id > before);
    expect(ids(after)).toEqual(range(before + 1, before + 10));
  });

  it('R36: across a server restart, clients resume their names and get what was said meanwhile', async () => {
    const alice = await room.login('alice', { resilient: true });
    const bob = await room.login('bob', { resilient: true });
    alice.say('before the restart');
    await bob.until(() => bob.publicMessages().length >= 1, 'one');
    const bobReady = bob.readyCount;

    await room.server.restart();
    // alice is back first and talks while bob may still be away
    await alice.until(
      () => alice.readyCount > 1 && alice.outbox.size === 0,
      'back',
    );
    const sent = [alice.say('after 1'), alice.say('after 2')];
    await bob.until(
      () =>
        bob.readyCount > bobReady &&
        sent.every((id) => bob.publicMessages().some((m) => m.clientId === id)),
      'messages after the restart',
      8000,
    );
    // resumed, not re-registered: the held name came back with its token
    expect(
      bob.all(ServerEvent.SessionJoined).filter((j) => j.resumed),
    ).not.toHaveLength(0);
    const all = ids(bob.publicMessages());
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual([...all].sort((a, b) => a - b));
  });

  it('R36: a client whose reconnect the server refuses (it was shutting down) tries again by itself and resumes', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob', { resilient: true });
    const realtime = room.server.app.get(RealtimeService);
    // the window of a restart in which the old server still answers but refuses handshakes
    realtime.closing = true;
    try {
      bob.socket.io.engine.close();
      await bob.until(
        () => bob.connectErrors.includes(ErrorCode.Unavailable),
        'a refused reconnect',
      );
    } finally {
      realtime.closing = false;
    }
    const ready = bob.readyCount;
    alice.say('while bob was refused');
    await bob.until(
      () =>
        bob.readyCount > ready &&
        bob.publicMessages().some((m) => m.text === 'while bob was refused'),
      'bob back by himself',
    );
    expect(
      bob.all(ServerEvent.SessionJoined).filter((j) => j.resumed),
    ).toHaveLength(1);
  });

  it('a newcomer gets the latest history in pages that each fit the frame limit', async () => {
    const alice = await room.login('alice');
    const long = 'é'.repeat(Limits.messageMaxChars - 4);
    for (let i = 0; i < Limits.historySize + 5; i++) alice.say(`${i} ${long}`);
    await alice.until(() => alice.outbox.size === 0, 'stored', 10_000);
    const carol = await room.login('carol');
    await carol.until(
      () => carol.publicMessages().length >= Limits.historySize,
      'history',
    );
    const pages = carol.all(ServerEvent.MessageHistory);
    expect(pages.length).toBeGreaterThan(1);
    const received = carol.publicMessages();
    expect(received).toHaveLength(Limits.historySize);
    const last = received.at(-1)!.id;
    expect(ids(received)).toEqual(range(last - Limits.historySize + 1, last));
  });

  it('R36: a private message to someone who dropped is refused at send time, never dropped silently', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob', { resilient: true });
    bob.socket.io.reconnection(false);
    const before = await lastAuditId(room.server);
    bob.socket.io.engine.close();
    await auditRecorded(room.server, 'disconnect', 'bob', before);
    const clientId = alice.whisper('bob', 'are you there?');
    const error = await alice.nextError(ClientEvent.PrivateMessageSend);
    expect(error).toMatchObject({
      code: ErrorCode.RecipientUnavailable,
      clientId,
    });
    expect(error.message).toContain('bob is not online');
    expect(alice.outbox.pending()).toHaveLength(0);
  });
});

describe('a locked database (R39)', () => {
  const room = useChatRoom({
    DB_BUSY_TIMEOUT_MS: '100',
    RATE_EVENTS_BURST: '1000',
  });

  it('R39: SQLite held with BEGIN EXCLUSIVE: no acknowledgement until stored, "temporarily unavailable", then recovery by itself', async () => {
    const alice = await room.login('alice', {
      resilient: true,
      retryScale: 0.2,
    });
    const bob = await room.login('bob');
    const config = room.server.config.database;
    if (config.type !== 'sqlite') throw new Error('SQLite expected');
    const holder = new Database(config.path);
    holder.exec('BEGIN EXCLUSIVE');
    let released = false;
    try {
      const clientId = alice.say('written while locked');
      const error = await alice.nextError(ClientEvent.MessageSend);
      expect(error).toMatchObject({ code: ErrorCode.Unavailable, clientId });
      expect(error.message).toMatch(/temporarily unavailable/);
      await sleep(500);
      // still locked: nothing acknowledged, nothing delivered
      expect(alice.outbox.pending()).toHaveLength(1);
      expect(bob.all(ServerEvent.MessageCreated)).toHaveLength(0);
      holder.exec('COMMIT');
      released = true;
      await alice.until(() => alice.outbox.size === 0, 'acknowledged', 10_000);
      const delivered = await bob.next(ServerEvent.MessageCreated);
      expect(delivered.clientId).toBe(clientId);
      expect(await rowsWithClientId(room, clientId)).toBe(1);
      // audit events that waited for the lock were written afterwards, on one chain
      await room.server.app.get(AuditService).drain();
      const logged = await auditRows(room.server, 'message_public');
      expect(logged.map((r) => JSON.parse(r.detail).id)).toContain(
        delivered.id,
      );
    } finally {
      if (!released) holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
