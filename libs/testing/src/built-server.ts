import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/** The admin token the browser suites' servers accept. */
export const ADMIN_TOKEN = 'web-e2e-admin-token-0123456789';

export interface RunningServer {
  url: string;
  port: number;
  dir: string;
  /** The server process id (to sample its CPU and memory, or to kill it). */
  pid: number;
  output: () => string;
  /** SIGTERM: the graceful shutdown (fails past 20 s). */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing flushed. */
  kill(): Promise<void>;
  /** Deletes the database and keys folder. */
  remove(): void;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/**
 * The built server (dist/apps/api) serving the built web client, as `npm start` runs it, with
 * its own folder for database, keys and files (`dir`, reused to restart on the same data).
 */
export async function startBuiltServer(
  options: {
    dir?: string;
    port?: number;
    env?: NodeJS.ProcessEnv;
    /** Options for node itself (a CPU profile, say). */
    nodeArgs?: string[];
    /** The checkout whose build to run (another commit's, to compare): default this one. */
    root?: string;
  } = {},
): Promise<RunningServer> {
  const root = options.root ?? ROOT;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fuv-chat-process-'));
  const port = options.port ?? (await freePort());
  let log = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), join(root, 'dist/apps/api/main.js')],
    {
      cwd: root,
      env: {
        PATH: process.env['PATH'],
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`,
        KEYS_DIR: join(dir, 'keys'),
        FILES_DIR: join(dir, 'files'),
        WEB_ROOT: join(root, 'dist/apps/web/browser'),
        RESUME_GRACE_MS: '3000',
        ADMIN_TOKEN,
        // test machines may be short of disk; the floors have their own tests (F42, L76)
        FILES_MIN_FREE_MB: '0',
        DATABASE_MIN_FREE_MB: '0',
        // every test client comes from 127.0.0.1: a kick would keep them all out (A51 has its own test)
        KICK_BAN_SECONDS: '0',
        // …and each of a suite's browsers checks the key log at every login, send and message:
        // one address would be limited mid-suite (L70 has its own test)
        RATE_KEY_LOG_PER_MINUTE: '100000',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`server exited early:\n${log}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`server did not become healthy:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    url,
    port,
    dir,
    pid: child.pid!,
    output: () => log,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
      await exited;
    },
    stop: () =>
      new Promise<void>((done, fail) => {
        // stopped already (a signal ends it without an exit code)
        if (child.exitCode !== null || child.signalCode !== null) return done();
        // the server bounds its own graceful shutdown; past that, something is wrong
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          fail(
            new Error(
              `server did not stop within 20 s after SIGTERM:\n${log.slice(-4000)}`,
            ),
          );
        }, 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
