import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ClientEvent, Limits } from '@app/shared';
import { ChatClient, type RunningServer, startBuiltServer } from '@app/testing';
import Database from 'better-sqlite3';

import { sleep } from './support/test-server';

/** The server process's resident memory, in MB. */
function rssMb(server: RunningServer): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/** History as a hostile client wants it: 1,000 public messages of 16 KB each (16 MB). */
function seedHistory(server: RunningServer, count = Limits.catchUpMax): void {
  const db = new Database(join(server.dir, 'chat.sqlite'));
  const insert = db.prepare(
    'INSERT INTO messages (client_id, sender, text, at) VALUES (?, ?, ?, ?)',
  );
  const text = '😀'.repeat(Limits.messageMaxChars); // 16 KB of UTF-8
  db.transaction(() => {
    for (let i = 0; i < count; i++)
      insert.run(randomUUID(), 'seeder', text, new Date().toISOString());
  })();
  db.close();
}

/** Reading again: what the server kept for the client arrives, or the connection it closed. */
function readWebsocketAgain(client: ChatClient): void {
  engineOf(client).transport.ws?._socket?.resume();
}

interface EngineInternals {
  transport: {
    name: string;
    ws?: { _socket?: { pause(): void; resume(): void } };
    _poll?: () => void;
  };
}

function engineOf(client: ChatClient): EngineInternals {
  return client.socket.io.engine as unknown as EngineInternals;
}

/** The client's TCP socket stops being read: the server's writes pile up behind it. */
function stopReadingWebsocket(client: ChatClient): void {
  const socket = engineOf(client).transport.ws?._socket;
  if (!socket) throw new Error('not on a websocket');
  socket.pause();
}

/**
 * Long polling that never comes back for what the server queued: the GET under way returns,
 * no next one is made (writes still go out as POSTs). Returns the function that resumes.
 */
function stopPolling(client: ChatClient): () => void {
  const transport = engineOf(client).transport;
  if (transport.name !== 'polling' || !transport._poll)
    throw new Error('not polling');
  const poll = transport._poll.bind(transport);
  transport._poll = () => undefined;
  return () => {
    transport._poll = poll;
    poll();
  };
}

/** Logs in and out under fresh names, each login asking for the whole history (L68's attack). */
async function loginLoop(
  client: ChatClient,
  prefix: string,
  rounds: number,
  pauseMs: number,
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await client.requestLogin(`${prefix}${i}`, 0);
    await sleep(pauseMs);
    await client.send(ClientEvent.SessionLogout, {});
  }
}

/**
 * L68 against the built server as a real process: clients that stop reading while the server
 * keeps queueing for them (history, room frames). Memory stays bounded, the process stays up,
 * everyone else keeps chatting. Bounded in time: each case runs for seconds.
 */
describe('L68: a client that stops reading cannot crash the server or fill its memory', () => {
  let server: RunningServer | undefined;
  const clients: ChatClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.kill();
    server?.remove();
    server = undefined;
  });

  async function start(env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
    const first = await startBuiltServer({ env: { LOG_LEVEL: 'warn' } });
    await first.stop();
    seedHistory(first);
    server = await startBuiltServer({
      dir: first.dir,
      port: first.port,
      env: {
        LOG_LEVEL: 'warn',
        RATE_EVENTS_BURST: '400',
        RATE_EVENTS_PER_SECOND: '200',
        ...env,
      },
    });
    return server;
  }

  it('L68: eight websocket readers that stall while logging in again and again for all 16 MB of history: the server stays small', async () => {
    const running = await start();
    const bystander = await ChatClient.login(running.url, 'bystander');
    const listener = await ChatClient.login(running.url, 'listener');
    clients.push(bystander, listener);
    const before = rssMb(running);

    const stalled = await Promise.all(
      Array.from({ length: 8 }, () => ChatClient.connect(running.url)),
    );
    clients.push(...stalled);
    for (const client of stalled) stopReadingWebsocket(client);
    await Promise.all(
      stalled.map((client, i) => loginLoop(client, `stall${i}x`, 5, 300)),
    );
    await sleep(3000);
    const after = rssMb(running);

    // unpaced, each login queued 16 MB (plus base64) behind a reader that takes nothing
    expect(after - before).toBeLessThan(150);
    bystander.say('still here');
    await listener.next(
      'message:created',
      (m) => m.text === 'still here',
      10_000,
    );
    const health = await fetch(`${running.url}/api/health`);
    expect(health.status).toBe(200);
  }, 90_000);

  it('L68: a reader that stalls while the room talks is closed past its bound; the room goes on', async () => {
    const running = await start({ CONNECTION_UNSENT_MAX_KB: '1024' });
    const talkers = await Promise.all(
      ['t1', 't2', 't3'].map((name) => ChatClient.login(running.url, name)),
    );
    const stalled = await ChatClient.login(running.url, 'stalled');
    clients.push(...talkers, stalled);
    stopReadingWebsocket(stalled);
    const before = rssMb(running);

    const text = '😀'.repeat(Limits.messageMaxChars);
    for (let round = 0; round < 250; round++) {
      for (const talker of talkers)
        void talker.send(ClientEvent.MessageSend, {
          clientId: randomUUID(),
          text,
        });
      await sleep(40);
    }
    await sleep(2000);

    expect(rssMb(running) - before).toBeLessThan(150);
    // the server dropped the connection (it did not wait for the reader to drain): its client
    // sees the close once it reads again, and resumes
    readWebsocketAgain(stalled);
    await stalled.until(() => stalled.disconnects > 0, 'dropped', 10_000);
    expect(running.output()).toMatch(
      /closed a connection that left \d+ KB unread \(L68\)/,
    );
    talkers[0].say('after the flood');
    await talkers[1].next(
      'message:created',
      (m) => m.text === 'after the flood',
      10_000,
    );
  }, 90_000);

  it('L68: a long-polling session that stops polling while asking for the whole history 40 times: no crash at its next poll', async () => {
    const running = await start();
    const listener = await ChatClient.login(running.url, 'listener');
    clients.push(listener);
    const before = rssMb(running);

    const poller = await ChatClient.connect(running.url, {
      transports: ['polling'],
    });
    clients.push(poller);
    const resume = stopPolling(poller);
    await loginLoop(poller, 'poller', 40, 400);
    await sleep(2000);
    const during = rssMb(running);
    resume(); // unbounded, this GET joined ~40 × 21 MB into one string: RangeError, exit
    await sleep(3000);

    expect(during - before).toBeLessThan(150);
    const health = await fetch(`${running.url}/api/health`);
    expect(health.status).toBe(200);
    listener.say('the server is up');
    await listener.next(
      'message:created',
      (m) => m.text === 'the server is up',
      10_000,
    );
  }, 90_000);
});
