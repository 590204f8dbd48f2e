import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { dataSourceOptions, readChain, verifyChain } from '@app/api';
import { ErrorCode, ServerEvent } from '@app/shared';
import {
  ChatClient,
  type RunningServer,
  startBuiltServer,
  startTcpProxy,
} from '@app/testing';
import { DataSource } from 'typeorm';

import { upload } from './support/file-transfer';
import { sleep } from './support/test-server';

/** Every file the server holds under its files folder (encrypted transfers in progress). */
function storedFiles(server: RunningServer): string[] {
  try {
    return readdirSync(join(server.dir, 'files'), { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.chunk'));
  } catch {
    return [];
  }
}

async function openDatabase(server: RunningServer): Promise<DataSource> {
  const db = new DataSource({
    ...dataSourceOptions({
      type: 'sqlite',
      path: join(server.dir, 'chat.sqlite'),
      busyTimeoutMs: 1000,
    }),
    migrationsRun: false,
  });
  return db.initialize();
}

/** Public messages from history and live, each id once, in id order. */
function distinctIds(client: ChatClient): number[] {
  return [...new Set(client.publicMessages().map((m) => m.id))].sort(
    (a, b) => a - b,
  );
}

/**
 * The fault suite: the built server as a real process, killed with SIGKILL under load,
 * restarted on the same data; a network that drops under a client. Counts, not timings.
 */
describe('faults with real processes (R38, R36)', () => {
  let server: RunningServer | undefined;
  const clients: ChatClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.kill();
    server?.remove();
    server = undefined;
  });

  it('R38: SIGKILL under load: every acknowledged message is in the database once, clients reconnect and resend the rest, orphaned files are swept, new session keys', async () => {
    server = await startBuiltServer({
      env: { RESUME_GRACE_MS: '10000', LOG_LEVEL: 'warn' },
    });
    const senders = await Promise.all(
      ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'].map((name) =>
        ChatClient.login(server!.url, name, {
          resilient: true,
          retryScale: 0.2,
          transports: ['websocket'],
        }),
      ),
    );
    const listener = await ChatClient.login(server.url, 'listener', {
      resilient: true,
    });
    clients.push(...senders, listener);

    // an upload left half way: its encrypted data is on disk when the process dies
    await upload(senders[0], randomBytes(200_000), { stopAfter: 2 });
    expect(storedFiles(server).length).toBeGreaterThan(0);

    const said: string[] = [];
    const acknowledgedBeforeCrash = new Set<string>();
    let talking = true;
    const load = (async () => {
      for (let round = 0; talking; round++) {
        for (const sender of senders) said.push(sender.say(`load ${round}`));
        await sleep(60);
      }
    })();
    await sleep(1500);
    for (const id of said)
      if (
        !senders.some((s) =>
          s.outbox.pending().some((p) => p.payload.clientId === id),
        )
      )
        acknowledgedBeforeCrash.add(id);
    const readyBefore = senders.map((s) => s.readyCount);
    await server.kill();
    await sleep(300);
    server = await startBuiltServer({
      dir: server.dir,
      port: server.port,
      env: { RESUME_GRACE_MS: '10000', LOG_LEVEL: 'warn' },
    });
    await sleep(1000);
    talking = false;
    await load;
    for (const sender of senders)
      await sender.until(
        () => sender.outbox.size === 0,
        'outbox empty',
        20_000,
      );

    const db = await openDatabase(server);
    try {
      const rows: { client_id: string; n: number }[] = await db.query(
        'SELECT client_id, COUNT(*) AS n FROM messages GROUP BY client_id',
      );
      const stored = new Map(rows.map((r) => [r.client_id, Number(r.n)]));
      // acknowledged before the crash: committed, so still there
      for (const id of acknowledgedBeforeCrash) expect(stored.get(id)).toBe(1);
      // everything said (before, during and after) ends up stored exactly once
      expect(said.length).toBeGreaterThan(50);
      for (const id of said) expect(stored.get(id)).toBe(1);

      // the listener resumed its name and caught up: every message, once, no gap
      const [{ total }] = (await db.query(
        'SELECT COUNT(*) AS total FROM messages',
      )) as [{ total: number }];
      await listener.until(
        () => distinctIds(listener).length >= Number(total),
        'every message',
        20_000,
      );
      const ids = distinctIds(listener);
      expect(ids).toEqual(
        Array.from({ length: ids.length }, (_, i) => ids[0] + i),
      );
      const live = listener.all(ServerEvent.MessageCreated).map((m) => m.id);
      expect(new Set(live).size).toBe(live.length);

      // the audit chain survived the crash unbroken
      const verdict = await verifyChain(readChain(db.manager), [], []);
      expect(verdict.firstBreak).toBeUndefined();
      expect(verdict.intact).toBe(true);
    } finally {
      await db.destroy();
    }
    // a fresh handshake (new ECDH keys) after the restart, same server key
    senders.forEach((s, i) =>
      expect(s.readyCount).toBeGreaterThan(readyBefore[i]),
    );
    // the half-finished upload of the dead process was swept at start
    expect(storedFiles(server)).toEqual([]);
  }, 90_000);

  it('SIGTERM: clients are told, what was logged is committed with a final signed checkpoint, the database is closed cleanly', async () => {
    server = await startBuiltServer({ env: { LOG_LEVEL: 'warn' } });
    const alice = await ChatClient.login(server.url, 'alice', {
      resilient: true,
    });
    clients.push(alice);
    alice.say('last words');
    await alice.until(() => alice.outbox.size === 0, 'stored');
    // resolves only if the process ended by itself within 20 s (no SIGKILL needed)
    await server.stop();
    expect(alice.all(ServerEvent.Exception)).toContainEqual(
      expect.objectContaining({
        code: ErrorCode.Unavailable,
        message: 'The server is restarting; you will be reconnected.',
      }),
    );
    // the last connection closed: SQLite folded its write-ahead log back into the database
    expect(existsSync(join(server.dir, 'chat.sqlite-wal'))).toBe(false);
    const db = await openDatabase(server);
    try {
      const [last] = await db.query(
        'SELECT id, type FROM audit_events ORDER BY id DESC LIMIT 2',
      );
      const [checkpoint] = await db.query(
        'SELECT last_id FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
      );
      // the final checkpoint covers everything before its own row, server_stopped included
      expect(last.type).toBe('checkpoint_created');
      expect(Number(checkpoint.last_id)).toBe(Number(last.id) - 1);
      const stopped = await db.query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE type = 'server_stopped'",
      );
      expect(Number(stopped[0].n)).toBe(1);
      const disconnects = await db.query(
        "SELECT detail FROM audit_events WHERE type = 'disconnect' AND actor = 'alice'",
      );
      expect(disconnects).toHaveLength(1);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it('R36: a network that drops mid-conversation: the client reconnects and catches up with no gap and no duplicate', async () => {
    server = await startBuiltServer({ env: { LOG_LEVEL: 'warn' } });
    const proxy = await startTcpProxy(server.port);
    try {
      const alice = await ChatClient.login(server.url, 'alice', {
        resilient: true,
        retryScale: 0.2,
      });
      const bob = await ChatClient.login(proxy.url, 'bob', {
        resilient: true,
        transports: ['websocket'],
      });
      clients.push(alice, bob);
      for (let i = 0; i < 5; i++) alice.say(`before ${i}`);
      await bob.until(() => distinctIds(bob).length >= 5, 'five');
      for (let cut = 0; cut < 3; cut++) {
        const joins = bob.all(ServerEvent.SessionJoined).length;
        proxy.cut();
        for (let i = 0; i < 10; i++) {
          alice.say(`cut ${cut} message ${i}`);
          await sleep(15);
        }
        // the next cut comes once bob is back (a resume whose answer is lost: realtime spec)
        await bob.until(
          () => bob.all(ServerEvent.SessionJoined).length > joins,
          'bob back',
          10_000,
        );
      }
      await alice.until(() => alice.outbox.size === 0, 'stored', 10_000);
      await bob.until(() => distinctIds(bob).length >= 35, 'all 35', 20_000);
      const received = bob.publicMessages().map((m) => m.id);
      expect(new Set(received).size).toBe(received.length);
      expect(distinctIds(bob)).toEqual(
        Array.from({ length: 35 }, (_, i) => distinctIds(bob)[0] + i),
      );
      expect(bob.readyCount).toBeGreaterThan(1);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
