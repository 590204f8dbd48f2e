import { type IncomingHttpHeaders, request } from 'node:http';
import { connect as tcpConnect } from 'node:net';

import { AuditService, RepeatBudget } from '@app/api';
import {
  type AdminUserPayload,
  ClientEvent,
  ErrorCode,
  ServerEvent,
} from '@app/shared';
import WebSocket from 'ws';

import { useChatRoom } from './support/chat-room';
import { ADMIN_TOKEN, auditRows, sleep } from './support/test-server';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw engine.io websocket: what a client that skips socket.io-client can do. */
function rawSocket(
  port: number,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
      { headers },
    );
    const frames: string[] = [];
    const closed = new Promise<number>((done) =>
      ws.on('close', () => done(Date.now())),
    );
    ws.on('message', (data: Buffer) => frames.push(data.toString()));
    ws.on('unexpected-response', (_req, res) =>
      reject(new Error(`status ${res.statusCode}`)),
    );
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('error', () => undefined);
  });
}

const until = async (condition: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
};

describe('hardening found by review (L41, L43, A47, A49, HTTP limits)', () => {
  const room = useChatRoom({ MAX_CONNECTIONS_PER_ADDRESS: '8' });

  it('L41: frames that fail to open cost the budget and the third closes the connection', async () => {
    const mallory = await room.login('mallory');
    const junk = async (i: number) => {
      mallory.tamperNext((event, envelope) => [
        event,
        { ...envelope, seq: envelope.seq + 100 },
      ]);
      await mallory
        .send(ClientEvent.MessageSend, { clientId: `x${i}`, text: 'junk' })
        .catch(() => undefined);
    };
    // the first two are answered with the one generic error, and the connection stays
    for (let i = 0; i < 2; i++) {
      await junk(i);
      expect(await mallory.nextError()).toMatchObject({
        code: ErrorCode.DecryptFailed,
      });
      expect(mallory.socket.connected).toBe(true);
    }
    // the third closes it
    await junk(2);
    await mallory.until(() => !mallory.socket.connected, 'closed');
  });

  it('L41: a refused CONNECT repeated on one transport closes it after three, and audit rows stay bounded', async () => {
    const { ws, frames, closed } = await rawSocket(room.server.port);
    await until(() => frames.some((f) => f.startsWith('0')));
    for (let i = 0; i < 5 && ws.readyState === WebSocket.OPEN; i++) {
      ws.send('40{"v":1,"suite":"none"}');
      await sleep(50);
    }
    await closed;
    const refusals = frames.filter((f) => f.startsWith('44'));
    expect(refusals.length).toBe(3);
    expect(refusals[0]).toContain(ErrorCode.HandshakeFailed);
  });

  it('L41: repeated refusals from one address write a bounded number of rows, then one count', async () => {
    const audit = room.server.app.get(AuditService);
    const client = await room.connect();
    const before = (await auditRows(room.server, 'request_rejected')).length;
    // logged out, every command is refused: a connection's budget of rows, no more
    for (let i = 0; i < RepeatBudget.connection + 15; i++)
      await client.sendRaw(ClientEvent.MessageSend, {
        clientId: `n${i}`,
        text: 'hi',
      });
    await client.until(
      () =>
        client.all(ServerEvent.Exception).length >=
        RepeatBudget.connection + 15,
      'every refusal answered',
    );
    await audit.drain();
    const written =
      (await auditRows(room.server, 'request_rejected')).length - before;
    expect(written).toBe(RepeatBudget.connection);
  });

  it('A49: a request naming a foreign Host is refused on HTTP, polling and websocket; our names pass', async () => {
    const { port, url } = room.server;
    const evil = { Host: `rebind.evil.example:${port}` };
    const refused = await get(`${url}/api/health`, evil);
    expect(refused.status).toBe(421);
    expect(JSON.parse(refused.body)).toMatchObject({
      code: ErrorCode.HostForbidden,
    });
    expect(
      (await get(`${url}/socket.io/?EIO=4&transport=polling`, evil)).status,
    ).toBe(403);
    await expect(rawSocket(port, evil)).rejects.toThrow('status 403');

    expect((await get(`${url}/api/health`)).status).toBe(200);
    expect(
      (await get(`${url}/api/health`, { Host: `localhost:${port}` })).status,
    ).toBe(200);
    const ok = await rawSocket(port, { Host: `localhost:${port}` });
    ok.ws.close();
  });

  it('HTTP limits: a request whose headers never finish is closed; oversized headers get 431', async () => {
    const socket = tcpConnect(room.server.port, '127.0.0.1');
    const started = Date.now();
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const answer = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
    });
    // Node answers 408 and closes within the headers timeout (10 s) plus its check interval
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(13_000);

    const big = await get(`${room.server.url}/api/health`, {
      'X-Filler': 'x'.repeat(20_000),
    });
    expect(big.status).toBe(431);
  }, 20_000);

  it('L43: transport sessions per address are capped, and one that never sends CONNECT is closed', async () => {
    const sockets = [];
    for (let i = 0; i < 9; i++) sockets.push(await rawSocket(room.server.port));
    // MAX_CONNECTIONS_PER_ADDRESS is 8 here: the ninth is closed at once
    const ninth = sockets[8];
    const closedAt = await Promise.race([ninth.closed, sleep(2000)]);
    expect(typeof closedAt).toBe('number');
    // the others are closed by the deadline for sending a Socket.IO CONNECT (10 s)
    const first = await Promise.race([sockets[0].closed, sleep(13_000)]);
    expect(typeof first).toBe('number');
    for (const s of sockets) s.ws.close();
  }, 20_000);
});

describe('A47: behind a trusted reverse proxy', () => {
  const room = useChatRoom({ TRUSTED_PROXIES: 'loopback' });
  const admin = (token: string, client: string) =>
    get(`${room.server.url}/api/admin/users`, {
      Authorization: `Bearer ${token}`,
      'X-Forwarded-For': client,
    });

  it("A47: one client's wrong tokens lock out that client only; the correct token is never refused", async () => {
    for (let i = 0; i < 5; i++)
      expect((await admin('wrong-token', '203.0.113.5')).status).toBe(401);
    expect((await admin('wrong-token', '203.0.113.5')).status).toBe(429);
    // another client behind the same proxy is not affected
    expect((await admin('wrong-token', '203.0.113.6')).status).toBe(401);
    // and the real admin gets in even from the locked-out address
    expect((await admin(ADMIN_TOKEN, '203.0.113.5')).status).toBe(200);
    const failures = await auditRows(room.server, 'admin_auth_failed');
    const addresses = new Set(
      failures.map(
        (r) => (JSON.parse(r.detail) as { address: string }).address,
      ),
    );
    expect(addresses.size).toBe(2);
    // full-length keyed hashes, never the address itself (A50)
    for (const address of addresses) expect(address).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(failures)).not.toContain('203.0.113');
  });

  it('A47: chat users are told apart by their forwarded address', async () => {
    const alice = await room.login('alice', {
      extraHeaders: { 'X-Forwarded-For': '198.51.100.1' },
    });
    const bob = await room.login('bob', {
      extraHeaders: { 'X-Forwarded-For': '198.51.100.2' },
    });
    const users = JSON.parse(
      (await admin(ADMIN_TOKEN, '203.0.113.9')).body,
    ) as AdminUserPayload[];
    const hashes = new Set(users.map((u) => u.address));
    expect(hashes.size).toBe(2);
    alice.close();
    bob.close();
  });
});

describe('A51: a kick keeps the name and the address out for a while', () => {
  const room = useChatRoom({
    TRUSTED_PROXIES: 'loopback',
    KICK_BAN_SECONDS: '2',
  });
  const from = (address: string) => ({
    extraHeaders: { 'X-Forwarded-For': address },
  });
  const tryLogin = async (name: string, address: string) => {
    const client = await room.connect(from(address));
    await client.requestLogin(name);
    await client.until(
      () =>
        client.username !== undefined ||
        client.all(ServerEvent.Exception).length > 0,
      'answer',
    );
    return client.all(ServerEvent.Exception)[0]?.code ?? 'joined';
  };

  it('A51: the kicked name and address cannot log straight back in; others can; the ban ends', async () => {
    await room.login('mallory', from('198.51.100.7'));
    const response = await fetch(
      `${room.server.url}/api/admin/users/mallory/kick`,
      { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(response.status).toBe(200);
    expect(await tryLogin('mallory', '198.51.100.7')).toBe(ErrorCode.Kicked);
    expect(await tryLogin('mallory2', '198.51.100.7')).toBe(ErrorCode.Kicked);
    expect(await tryLogin('mallory', '198.51.100.8')).toBe(ErrorCode.Kicked);
    expect(await tryLogin('carol', '198.51.100.8')).toBe('joined');
    await sleep(2100);
    expect(await tryLogin('mallory', '198.51.100.7')).toBe('joined');
  });
});

describe('A51: resume tokens', () => {
  const room = useChatRoom();

  it('A51: two resumes racing with one token: exactly one wins', async () => {
    const alice = await room.login('alice');
    const token = alice.resumeToken!;
    alice.socket.io.engine.close();
    const [a, b] = await Promise.all([room.connect(), room.connect()]);
    await Promise.all(
      [a, b].map((c) => c.send(ClientEvent.SessionResume, { token })),
    );
    const answered = (c: typeof a) =>
      c.username !== undefined || c.all(ServerEvent.Exception).length > 0;
    await a.until(() => answered(a), 'answer');
    await b.until(() => answered(b), 'answer');
    expect([a, b].filter((c) => c.username === 'alice')).toHaveLength(1);
    const loser = a.username === 'alice' ? b : a;
    expect(loser.all(ServerEvent.Exception)[0]).toMatchObject({
      code: ErrorCode.ResumeFailed,
    });
  });
});

describe('A47: without a trusted proxy, X-Forwarded-For is ignored', () => {
  const room = useChatRoom();

  it('A47: a client cannot escape the failure limit by naming another address', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await get(`${room.server.url}/api/admin/users`, {
            Authorization: 'Bearer wrong-token',
            'X-Forwarded-For': `203.0.113.${i}`,
          })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
