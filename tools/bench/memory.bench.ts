/**
 * `npm run bench:memory [-- --clients 1000 --root ../other-checkout --top 25]`
 *
 * What each idle connection keeps on our server: heap snapshots of the built server with the
 * room empty (after a warm-up) and with N clients logged in and idle, summed by constructor (or
 * kind) and divided by N, beside the RSS per client. `--root` measures another checkout's build
 * (an earlier commit), to compare. Asserts nothing.
 */
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { processStats, startLoadServer } from '../load/load-server';
import type { ClientSpec } from './load-clients';
import { LoadGenerator } from './load-generator';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WARM_UP = 20;

/**
 * Asks the server for a heap snapshot and waits until the file is written. The signal is
 * SIGWINCH: Nest's shutdown hooks take SIGUSR2, and Node keeps SIGUSR1 for its inspector.
 */
async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGWINCH');
  for (let waited = 0; waited < 120_000; waited += 500) {
    await sleep(500);
    const file = readdirSync(dir).find(
      (f) => f.endsWith('.heapsnapshot') && !before.has(f),
    );
    if (!file) continue;
    // written when its size stops changing
    const size = statSync(join(dir, file)).size;
    await sleep(1000);
    if (size > 0 && statSync(join(dir, file)).size === size)
      return join(dir, file);
  }
  throw new Error('no heap snapshot within 2 minutes');
}

/** Self size and count per constructor (objects, closures) or per kind (strings, arrays, code). */
function sizes(file: string): Map<string, { bytes: number; count: number }> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) =>
    fields.indexOf(f),
  );
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const kind = types[snapshot.nodes[i + type]];
    const label =
      kind === 'object'
        ? snapshot.strings[snapshot.nodes[i + name]]
        : kind === 'closure'
          ? `closure ${snapshot.strings[snapshot.nodes[i + name]] || '(anonymous)'}`
          : `(${kind})`;
    const entry = out.get(label) ?? { bytes: 0, count: 0 };
    entry.bytes += snapshot.nodes[i + size];
    entry.count++;
    out.set(label, entry);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '1000' },
      root: { type: 'string' },
      top: { type: 'string', default: '25' },
    },
  });
  const clients = Number(values.clients);
  const dir = mkdtempSync(join(tmpdir(), 'fuv-heap-'));
  const server = await startLoadServer(undefined, {
    root: values.root,
    nodeArgs: ['--heapsnapshot-signal=SIGWINCH', `--diagnostic-dir=${dir}`],
  });
  const spec: ClientSpec = {
    kind: 'ours',
    urls: [server.url],
    endToEnd: false,
  };
  try {
    // warm-up: what the first connections load once (code, caches) is not per connection
    const warm = new LoadGenerator(spec);
    await warm.connect(WARM_UP, WARM_UP);
    await warm.stop();
    await sleep(2000);
    // RSS before each snapshot: writing one takes memory of its own
    const rssEmpty = processStats(server.pid).rssMb;
    const empty = sizes(await snapshot(server.pid, dir));
    const load = new LoadGenerator(spec);
    try {
      // after the warm-up's names (a name belongs to the browser that first took it)
      await load.connect(clients, 25, WARM_UP);
      await sleep(2000);
      const rssFull = processStats(server.pid).rssMb;
      const full = sizes(await snapshot(server.pid, dir));
      const rows = [...full].map(([label, f]) => {
        const e = empty.get(label) ?? { bytes: 0, count: 0 };
        return {
          label,
          bytes: (f.bytes - e.bytes) / clients,
          count: (f.count - e.count) / clients,
        };
      });
      rows.sort((a, b) => b.bytes - a.bytes);
      const heap = rows.reduce((sum, r) => sum + r.bytes, 0);
      console.log(
        `${clients} idle clients${values.root ? ` (${values.root})` : ''}: heap ${Math.round(heap)} B per client, RSS ${Math.round(((rssFull - rssEmpty) * 1024 * 1024) / clients)} B per client`,
      );
      console.log('B/client'.padStart(9) + 'objects'.padStart(9) + '  kept as');
      for (const row of rows.slice(0, Number(values.top)))
        console.log(
          String(Math.round(row.bytes)).padStart(9) +
            row.count.toFixed(1).padStart(9) +
            `  ${row.label.slice(0, 80)}`,
        );
    } finally {
      await load.stop();
    }
  } finally {
    await server.stop().catch(() => server.kill());
    server.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
