import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type RunningServer, startBuiltServer } from '@app/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's output once its start-up summary is out. */
async function started(server: RunningServer): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (!/Data: /.test(server.output()) && Date.now() < deadline)
    await sleep(50);
  return server
    .output()
    .split('\n')
    .filter((line) => line.trim() !== '');
}

describe('a quiet, useful start', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await server.stop();
      server.remove();
    }
  });

  it('says in at most 25 lines where to open it, the admin page, the fingerprint to publish, the generated token and where data and keys live', async () => {
    const server = await startBuiltServer({ env: { ADMIN_TOKEN: undefined } });
    servers.push(server);
    const lines = await started(server);
    const text = lines.join('\n');
    expect(lines.length).toBeLessThanOrEqual(25);
    expect(text).toContain(`listening on ${server.url}`);
    expect(text).toContain(`Admin page: ${server.url}/admin`);
    expect(text).toMatch(
      /fingerprint \(SHA-256\)[^\n]*: ([0-9A-F]{4} ){15}[0-9A-F]{4}/,
    );
    expect(text).toMatch(
      /Admin token \(shown once[^\n]*\n\s+[A-Za-z0-9_-]{43}/,
    );
    expect(text).toContain(`Data: ${join(server.dir, 'chat.sqlite')} (SQLite)`);
    expect(text).toContain(`keys ${join(server.dir, 'keys')}`);
    // Nest's wiring is for debugging only
    expect(text).not.toMatch(/Mapped \{|InstanceLoader|RoutesResolver/);
  });

  it("shows Nest's wiring at LOG_LEVEL=debug", async () => {
    const server = await startBuiltServer({ env: { LOG_LEVEL: 'debug' } });
    servers.push(server);
    const text = (await started(server)).join('\n');
    expect(text).toMatch(/Mapped \{\/api\/health, GET\} route/);
  });

  it('LOG_FORMAT=json: one JSON object per line, and a generated token waits in a 0600 file instead of the log', async () => {
    const server = await startBuiltServer({
      env: { ADMIN_TOKEN: undefined, LOG_FORMAT: 'json' },
    });
    servers.push(server);
    const lines = await started(server);
    const entries = lines.map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(entries.map((e) => e['context'])).toContain('Main');
    expect(entries.every((e) => typeof e['message'] === 'string')).toBe(true);
    const once = join(server.dir, 'keys', 'admin-token.once');
    expect(existsSync(once)).toBe(true);
    const token = readFileSync(once, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.output()).not.toContain(token);
  });
});

describe('a supported runtime', () => {
  it('runs on the Node.js LTS line .node-version names (24), as package.json requires', () => {
    const root = join(__dirname, '../../..');
    const pinned = readFileSync(join(root, '.node-version'), 'utf8').trim();
    const major = (version: string) => Number(/^v?(\d+)/.exec(version)?.[1]);
    expect(major(pinned)).toBe(24);
    // the suite, and the built server it starts (process.execPath), run on that line
    expect(major(process.version)).toBe(major(pinned));
    const engines = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    expect(engines).toMatch(/^>=24\./);
  });
});
