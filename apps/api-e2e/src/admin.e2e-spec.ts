import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';
import { AuditService } from '@app/api';
import {
  type AdminUserPayload,
  type AuditCheckpointPayload,
  type AuditLogPagePayload,
  type ChainReportPayload,
  ClientEvent,
  ErrorCode,
  ServerEvent,
} from '@app/shared';

import { ChatClient, relayedPrivate } from '@app/testing';
import {
  ADMIN_TOKEN,
  type TestServer,
  runScript,
  sleep,
  startServer,
  waitUntilEmpty,
} from './support/test-server';

/** How the audit log names a public message's text (L76): its SHA-256, in hex. */
const digest = (text: string) =>
  createHash('sha256').update(text).digest('hex');

describe('admin REST API and the tamper-evident audit log (real app, real SQLite)', () => {
  let server: TestServer;
  const clients: ChatClient[] = [];

  async function login(name: string): Promise<ChatClient> {
    const client = await ChatClient.login(server.url, name);
    clients.push(client);
    return client;
  }

  async function api<T>(
    path: string,
    init: RequestInit & { token?: string | null } = {},
  ): Promise<{ status: number; body: T }> {
    const { token = ADMIN_TOKEN, ...rest } = init;
    const response = await fetch(`${server.url}/api${path}`, {
      ...rest,
      headers: token === null ? {} : { Authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  beforeAll(async () => {
    // a checkpoint every 10 events keeps the test's log small but signed
    server = await startServer({ AUDIT_CHECKPOINT_EVERY: '10' });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await waitUntilEmpty(server);
  });

  afterAll(async () => {
    await server.close();
  });

  describe('M26 admin authentication', () => {
    it.each([
      ['missing token', null],
      [
        'token wrong in its last character',
        ADMIN_TOKEN.slice(0, -1) + (ADMIN_TOKEN.endsWith('f') ? 'e' : 'f'),
      ],
      ['token of a different length', ADMIN_TOKEN + 'x'],
      ['empty bearer', ''],
    ])(
      'M26: %s gets 401 { code, message } and an audit entry',
      async (_name, token) => {
        const { status, body } = await api<{ code: string; message: string }>(
          '/admin/users',
          { token },
        );
        expect(status).toBe(401);
        expect(body).toEqual({
          code: ErrorCode.Unauthorized,
          message: 'A valid admin token is required.',
        });
        const failures = await server.db.query(
          "SELECT detail FROM audit_events WHERE type = 'admin_auth_failed'",
        );
        expect(failures.length).toBeGreaterThan(0);
        expect(JSON.stringify(failures)).not.toContain(
          ADMIN_TOKEN.slice(0, 12),
        );
      },
    );

    it('M26: repeated failures from one address are rate-limited (429); the right token still passes (A47)', async () => {
      const limited = await startServer();
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) {
          const response = await fetch(`${limited.url}/api/admin/users`, {
            headers: { Authorization: 'Bearer wrong-token-xxxxxxxx' },
          });
          statuses.push(response.status);
        }
        expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
        expect(statuses.slice(5)).toEqual([429, 429]);
        const right = await fetch(`${limited.url}/api/admin/users`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        // the token is checked first: other people's failures never lock the admin out
        expect(right.status).toBe(200);
        const wrong = await fetch(`${limited.url}/api/admin/users`, {
          headers: { Authorization: 'Bearer wrong-token-xxxxxxxx' },
        });
        expect(await wrong.json()).toMatchObject({
          code: ErrorCode.RateLimited,
        });
      } finally {
        await limited.close();
      }
    });
  });

  it('lists the users online, never keys', async () => {
    await login('alice');
    await login('bob');
    const { status, body } = await api<AdminUserPayload[]>('/admin/users');
    expect(status).toBe(200);
    expect(body.map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    expect(body[0]).toEqual({
      username: expect.any(String),
      since: expect.any(String),
      // keyed with a per-install secret, full length (A50)
      address: expect.stringMatching(/^[0-9a-f]{64}$/),
      connected: true,
    });
    expect(JSON.stringify(body)).not.toMatch(/key|token/i);
  });

  it('pages the log newest first with a cursor, filters it, and names a bad parameter', async () => {
    const alice = await login('alice');
    for (let i = 0; i < 5; i++)
      await alice.send(ClientEvent.MessageSend, {
        clientId: `m${i}`,
        text: `page ${i}`,
      });
    await alice.next(ServerEvent.MessageCreated, (m) => m.text === 'page 4');
    await sleep(100);

    const first = await api<AuditLogPagePayload>(
      '/admin/logs?type=message_public&limit=2',
    );
    expect(first.status).toBe(200);
    // the row proves the text by its digest (L76): the words themselves are in the message
    expect(first.body.events.map((e) => e.detail['sha256'])).toEqual(
      ['page 4', 'page 3'].map(digest),
    );
    expect(first.body.events[0]).toMatchObject({
      type: 'message_public',
      actor: 'alice',
      at: expect.stringMatching(/Z$/),
      // the words are read from the message, checked against the logged digest
      detail: { text: 'page 4', textMatches: true },
    });
    // a message edited in the database no longer matches what was logged
    await server.db.query(
      "UPDATE messages SET text = 'page four' WHERE text = 'page 4'",
    );
    const edited = await api<AuditLogPagePayload>(
      '/admin/logs?type=message_public&limit=1',
    );
    expect(edited.body.events[0].detail).toMatchObject({
      text: 'page four',
      textMatches: false,
    });
    const second = await api<AuditLogPagePayload>(
      `/admin/logs?type=message_public&limit=2&before=${first.body.nextBefore}`,
    );
    expect(second.body.events.map((e) => e.detail['sha256'])).toEqual(
      ['page 2', 'page 1'].map(digest),
    );

    const byUser = await api<AuditLogPagePayload>(
      '/admin/logs?user=alice&limit=200',
    );
    expect(
      byUser.body.events.every(
        (e) => e.actor === 'alice' || e.target === 'alice',
      ),
    ).toBe(true);
    const future = await api<AuditLogPagePayload>(
      `/admin/logs?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.body.events).toEqual([]);

    for (const [query, field] of [
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['before=-1', 'before'],
      ['from=yesterday', 'from'],
      ['type=DROP%20TABLE', 'type'],
      ['extra=1', 'extra'],
    ]) {
      const bad = await api<{ code: string; message: string }>(
        `/admin/logs?${query}`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(ErrorCode.InvalidPayload);
      expect(bad.body.message).toContain(field);
    }
  });

  it('refuses a reversed or empty date range on the logs with a 400 that says why', async () => {
    const at = (offsetMs: number) =>
      encodeURIComponent(new Date(Date.now() + offsetMs).toISOString());
    for (const [query, field, reason] of [
      [`from=${at(0)}&to=${at(-60_000)}`, 'to', 'before from'],
      ['from=&to=', 'from', 'ISO 8601'],
      [`from=${at(0)}&to=`, 'to', 'ISO 8601'],
    ]) {
      const bad = await api<{ code: string; message: string; field?: string }>(
        `/admin/logs?${query}`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(ErrorCode.InvalidPayload);
      expect(bad.body.message).toContain(field);
      expect(bad.body.message).toContain(reason);
    }
    // one instant, both ends inclusive: a range, if a short one
    const instant = await api<AuditLogPagePayload>(
      `/admin/logs?from=${at(0)}&to=${at(0)}`,
    );
    expect(instant.status).toBe(200);
  });

  it('audits every admin request: who read what', async () => {
    await api('/admin/users');
    await sleep(50);
    const { body } = await api<AuditLogPagePayload>(
      '/admin/logs?type=admin_request&limit=5',
    );
    expect(body.events.map((e) => e.detail['path'])).toContain(
      '/api/admin/users',
    );
  });

  it('kicks a user: they are told why, everyone sees them leave, the name is free', async () => {
    const alice = await login('alice');
    const mallory = await login('mallory');
    const { status } = await api('/admin/users/Mallory/kick', {
      method: 'POST',
    });
    expect(status).toBe(200);
    expect(await mallory.nextError()).toMatchObject({
      code: ErrorCode.Kicked,
      message: 'An administrator removed you from the chat.',
    });
    expect(
      await alice.next(ServerEvent.UserLeft, (e) => e.username === 'mallory'),
    ).toMatchObject({ reason: 'kicked' });
    await mallory.until(
      () => !mallory.socket.connected || mallory.readyCount > 1,
      'disconnect',
    );
    const token = mallory.resumeToken!;
    const back = await ChatClient.connect(server.url);
    clients.push(back);
    await back.send(ClientEvent.SessionResume, { token });
    expect((await back.nextError(ClientEvent.SessionResume)).code).toBe(
      ErrorCode.ResumeFailed,
    );
    expect(
      (await api('/admin/users/nobody/kick', { method: 'POST' })).status,
    ).toBe(404);
    const kicked = await server.db.query(
      "SELECT target FROM audit_events WHERE type = 'user_kicked'",
    );
    expect(kicked).toEqual([{ target: 'mallory' }]);
  });

  it('signs checkpoints, sends them to clients, and verifies the chain intact', async () => {
    const alice = await login('alice');
    for (let i = 0; i < 12; i++)
      await alice.send(ClientEvent.MessageSend, {
        clientId: `c${i}`,
        text: `checkpoint ${i}`,
      });
    const pushed = await alice.next(ServerEvent.AuditCheckpoint);
    expect(pushed).toMatchObject({
      lastId: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      signature: expect.any(String),
    });

    const { body: checkpoints } =
      await api<AuditCheckpointPayload[]>('/admin/checkpoints');
    expect(checkpoints.length).toBeGreaterThan(0);
    const { status, body } =
      await api<ChainReportPayload>('/admin/logs/verify');
    expect(status).toBe(200);
    expect(body).toMatchObject({ intact: true, checkpointProblems: [] });
    expect(body.verifiedUpTo).toBeGreaterThanOrEqual(pushed.lastId);
    // the admin requests are audit events too: another checkpoint may come between the calls
    expect(body.checkpointsChecked).toBeGreaterThanOrEqual(checkpoints.length);
  });

  it('M28: hostile log text comes back as inert JSON text, and no secret is in the database', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const hostile =
      '<script>alert(1)</script>\r\nINJECTED\u001b[31mred\u001b[0m';
    // a row as written before L76, when public words were kept in the log: a database of then
    // still holds such rows (today's rows keep a digest, and file names are made safe)
    await server.app.get(AuditService).record('message_public', {
      actor: 'alice',
      detail: { id: 0, text: hostile },
    });
    await alice.send(
      ClientEvent.PrivateMessageSend,
      relayedPrivate('p', 'bob', 'private words 7731'),
    );
    await bob.next(ServerEvent.PrivateMessageCreated);
    await sleep(100);

    const response = await fetch(
      `${server.url}/api/admin/logs?type=message_public&limit=1`,
      { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const raw = await response.text();
    expect(raw).not.toContain('\r\n');
    expect(raw).not.toContain('\u001b');
    expect(
      (JSON.parse(raw) as AuditLogPagePayload).events[0].detail['text'],
    ).toBe(hostile);

    const dump =
      JSON.stringify(await server.db.query('SELECT * FROM audit_events')) +
      JSON.stringify(await server.db.query('SELECT * FROM sessions')) +
      JSON.stringify(await server.db.query('SELECT * FROM messages'));
    expect(dump).not.toContain('private words 7731');
    // nor its ciphertext: the server relays it and keeps only its size
    expect(dump).not.toContain(
      relayedPrivate('p', 'bob', 'private words 7731').e2ee?.mls,
    );
    expect(dump).not.toContain(ADMIN_TOKEN);
    expect(dump).not.toContain(alice.resumeToken!);
    expect(dump).not.toMatch(/BEGIN (RSA )?PRIVATE KEY/);
  });

  it('records server start and stop, and signs the head on the way down', async () => {
    const short = await startServer({ AUDIT_CHECKPOINT_EVERY: '1000' });
    const { database } = short.config;
    await short.app.close();
    const sqlite = new Database(
      database.type === 'sqlite' ? database.path : '',
      { readonly: true },
    );
    try {
      const types = (
        sqlite.prepare('SELECT type FROM audit_events ORDER BY id').all() as {
          type: string;
        }[]
      ).map((r) => r.type);
      expect(types[0]).toBe('server_started');
      expect(types.slice(-2)).toEqual(['server_stopped', 'checkpoint_created']);
      const checkpoint = sqlite
        .prepare(
          'SELECT last_id FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
        )
        .get() as { last_id: number };
      expect(checkpoint.last_id).toBe(types.length - 1);
    } finally {
      sqlite.close();
      if (database.type === 'sqlite')
        rmSync(dirname(database.path), { recursive: true, force: true });
    }
  });

  describe('M29 tampering directly in SQLite is pinpointed', () => {
    async function tampered(
      sql: (id: number) => string,
    ): Promise<{ id: number; report: ChainReportPayload }> {
      const victim = await startServer({ AUDIT_CHECKPOINT_EVERY: '1000' });
      try {
        const alice = await ChatClient.login(victim.url, 'alice');
        for (let i = 0; i < 5; i++)
          await alice.send(ClientEvent.MessageSend, {
            clientId: `t${i}`,
            text: `evidence ${i}`,
          });
        await alice.next(
          ServerEvent.MessageCreated,
          (m) => m.text === 'evidence 4',
        );
        alice.close();
        await sleep(100);
        const [{ id }] = (await victim.db.query(
          `SELECT id FROM audit_events WHERE detail LIKE '%${digest('evidence 2')}%'`,
        )) as [{ id: number }];
        await victim.db.query(sql(id));
        const response = await fetch(`${victim.url}/api/admin/logs/verify`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return { id, report: (await response.json()) as ChainReportPayload };
      } finally {
        await victim.close();
      }
    }

    it('M29: an edited row', async () => {
      const { id, report } = await tampered(
        (id) =>
          `UPDATE audit_events SET detail = '{"text":"nothing to see"}' WHERE id = ${id}`,
      );
      expect(report).toMatchObject({
        intact: false,
        verifiedUpTo: id - 1,
        firstBreak: { id, problem: 'altered' },
      });
    });

    it('M29: a deleted row', async () => {
      const { id, report } = await tampered(
        (id) => `DELETE FROM audit_events WHERE id = ${id}`,
      );
      expect(report).toMatchObject({
        intact: false,
        verifiedUpTo: id - 1,
        firstBreak: { id, problem: 'missing' },
      });
    });

    it('M29: npm run audit:verify reads the database and the public key directly and names the row; npm run logs prints inert text', async () => {
      const victim = await startServer({ AUDIT_CHECKPOINT_EVERY: '1000' });
      const alice = await ChatClient.login(victim.url, 'alice');
      // a row as written before L76, with the words of a public message in it
      await victim.app.get(AuditService).record('message_public', {
        actor: 'alice',
        detail: { id: 0, text: 'cli evidence \u001b[2J wiped?' },
      });
      alice.close();
      await sleep(100);
      const [{ id }] = (await victim.db.query(
        "SELECT id FROM audit_events WHERE detail LIKE '%cli evidence%'",
      )) as [{ id: number }];
      const { database, keysDir } = victim.config;
      await victim.app.close(); // the CLI works on a stopped server's files
      const env = {
        DATABASE_URL: `sqlite:${database.type === 'sqlite' ? database.path : ''}`,
        KEYS_DIR: keysDir,
      };
      const run = (script: string, args: string[] = []) =>
        runScript(script, env, args);

      const logs = await run('logs', ['--type', 'message_public']);
      expect(logs.status).toBe(0);
      expect(logs.stdout).toContain('cli evidence \\u001b[2J wiped?');
      expect(logs.stdout).not.toContain('\u001b');

      const clean = await run('audit:verify');
      expect(clean.status).toBe(0);
      expect(clean.stdout).toMatch(
        /Intact: the audit log verifies up to row #\d+/,
      );

      const sqlite = new Database(
        database.type === 'sqlite' ? database.path : '',
      );
      sqlite
        .prepare('UPDATE audit_events SET actor = ? WHERE id = ?')
        .run('mallory', id);
      sqlite.close();
      const broken = await run('audit:verify');
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain(`BROKEN at row #${id}`);
      if (database.type === 'sqlite')
        rmSync(dirname(database.path), { recursive: true, force: true });
    }, 60_000);

    it('M29: deleted checkpoints leave old rows unwitnessed: audit:verify reports them as a break', async () => {
      const victim = await startServer({ AUDIT_CHECKPOINT_SECONDS: '1' });
      const alice = await ChatClient.login(victim.url, 'alice');
      alice.close();
      const { database, keysDir } = victim.config;
      await victim.app.close(); // a final checkpoint covers every row
      const path = database.type === 'sqlite' ? database.path : '';
      const env = {
        DATABASE_URL: `sqlite:${path}`,
        KEYS_DIR: keysDir,
        AUDIT_CHECKPOINT_SECONDS: '1',
      };
      const verify = () => runScript('audit:verify', env);
      await sleep(2100);
      const clean = await verify();
      expect(clean.stdout).toContain('Intact');
      const sqlite = new Database(path);
      sqlite.prepare('DELETE FROM audit_checkpoints').run();
      sqlite.close();
      const broken = await verify();
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain('no signed checkpoint covers them');
      rmSync(dirname(path), { recursive: true, force: true });
    }, 60_000);

    it('M29: an inserted row', async () => {
      const { report } = await tampered(
        () =>
          `INSERT INTO audit_events (id, at, type, actor, target, detail, hash) SELECT MAX(id) + 1, '2026-01-01T00:00:00.000Z', 'login_accepted', 'ghost', NULL, '{}', '${'0'.repeat(64)}' FROM audit_events`,
      );
      expect(report.intact).toBe(false);
      expect(report.firstBreak).toMatchObject({ problem: 'altered' });
      expect(report.firstBreak!.id).toBe(report.verifiedUpTo + 1);
    });
  });
});
