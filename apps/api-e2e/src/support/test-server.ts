import 'reflect-metadata';

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import { type AppConfig, createApp, loadConfig } from '@app/api';
import { eventually } from '@app/testing';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';

/** The admin token every test server is started with. */
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/** One RSA key pair for the whole run: generating 3072-bit keys per suite would only cost time. */
const KEYS_DIR = join(tmpdir(), 'fuv-chat-e2e-keys');

export interface TestServer {
  app: INestApplication;
  url: string;
  port: number;
  config: AppConfig;
  db: DataSource;
  /** Stops and starts the app again on the same port, database and files (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface AuditRow {
  id: number;
  type: string;
  actor: string | null;
  target: string | null;
  detail: string;
}

/** The real app on a free loopback port, with a fresh SQLite file. */
export async function startServer(
  env: NodeJS.ProcessEnv = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fuv-chat-e2e-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`,
    KEYS_DIR,
    // every server its own file store: a server sweeps what it finds there at start
    FILES_DIR: join(dir, 'files'),
    WEB_ROOT: join(dir, 'no-web-client'),
    LOG_LEVEL: 'error',
    RESUME_GRACE_MS: '1500',
    ADMIN_TOKEN,
    // test machines may be short of disk; the floors have their own tests (F42, L76)
    FILES_MIN_FREE_MB: '0',
    DATABASE_MIN_FREE_MB: '0',
    // every test client comes from 127.0.0.1: a kick would keep them all out (A51 has its own test)
    KICK_BAN_SECONDS: '0',
    ...env,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const server: TestServer = {
    app,
    config,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    db: app.get(DataSourceToken),
    restart: async () => {
      await server.app.close();
      server.app = await createApp(config);
      await server.app.listen(address.port, '127.0.0.1');
      server.db = server.app.get(DataSourceToken);
    },
    close: async () => {
      await server.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

export async function auditRows(
  server: TestServer,
  type?: string,
): Promise<AuditRow[]> {
  const rows: AuditRow[] = await server.db.query(
    type
      ? 'SELECT id, type, actor, target, detail FROM audit_events WHERE type = ? ORDER BY id'
      : 'SELECT id, type, actor, target, detail FROM audit_events ORDER BY id',
    type ? [type] : [],
  );
  return rows;
}

export async function messageCount(server: TestServer): Promise<number> {
  const [{ n }] = (await server.db.query(
    'SELECT COUNT(*) AS n FROM messages',
  )) as [{ n: number }];
  return Number(n);
}

export const sleep = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** The id of the newest audit event (0 for none): to wait for what comes after it. */
export async function lastAuditId(server: TestServer): Promise<number> {
  return (await auditRows(server)).at(-1)?.id ?? 0;
}

/** Waits until the audit log holds an event of this type by `actor`, newer than `afterId`. */
export function auditRecorded(
  server: TestServer,
  type: string,
  actor: string,
  afterId = 0,
): Promise<void> {
  return eventually(
    async () =>
      (await auditRows(server, type)).some(
        (r) => r.actor === actor && r.id > afterId,
      ),
    `${type} by ${actor}`,
  );
}

/** Waits until every username is released, so the next test can reuse the names. */
export async function waitUntilEmpty(
  server: TestServer,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = (await server.db.query(
      'SELECT COUNT(*) AS n FROM sessions',
    )) as [{ n: number }];
    if (Number(n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} usernames still claimed`);
    await sleep(20);
  }
}

const ROOT = resolve(__dirname, '../../../..');

/**
 * Runs `npm run -s <script> -- <args>` in the repository with `env`; resolves with its exit
 * status and output. Asynchronous on purpose: spawnSync would freeze this process, and the
 * in-process test server with it, for seconds, after which a kept-alive HTTP connection can be
 * closed under the next request.
 */
export function runScript(
  script: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<{ status: number; stdout: string }> {
  return new Promise((done) =>
    execFile(
      'npm',
      ['run', '-s', script, ...(args.length ? ['--', ...args] : [])],
      { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' },
      (error, stdout) =>
        done({
          status: error ? Number(error.code ?? 1) : 0,
          stdout,
        }),
    ),
  );
}
