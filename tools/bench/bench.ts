/**
 * `npm run bench [-- --scenario a,c,e --clients-scale 0.5 --seconds 15 --json bench.json]`
 *
 * Load benchmark over loopback, our server against a minimal plain Socket.IO server in the same
 * run (tools/bench/plain-server.ts), with identical load: N clients connect and log in (ours:
 * the real handshake through the shared protocol client), then senders send at a fixed rate and
 * every client records when each message arrived (ours: after decryption). Prints each figure as
 * ours / plain; asserts nothing. Every phase is bounded in time and count.
 */
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import {
  type MessagePayload,
  type PrivateMessagePayload,
  ServerEvent,
} from '@app/shared';
import { ChatClient } from '@app/testing';
import { io, type Socket } from 'socket.io-client';

import { processStats, startLoadServer } from '../load/load-server';

const ROOT = resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a load client needs from either server. */
interface LoadClient {
  say(text: string): void;
  whisper(to: string, text: string): void;
  close(): void;
}
type OnMessage = (text: string) => void;

interface Target {
  name: 'ours' | 'plain';
  url: string;
  pid: number;
  connect(username: string, onMessage: OnMessage): Promise<LoadClient>;
  stop(): Promise<void>;
}

async function ours(): Promise<Target> {
  const server = await startLoadServer();
  return {
    name: 'ours',
    url: server.url,
    pid: server.pid,
    async connect(username, onMessage) {
      const client = await ChatClient.login(server.url, username, {
        keep: false,
        observe: (event, payload) => {
          if (event === ServerEvent.MessageCreated)
            onMessage((payload as MessagePayload).text);
          else if (event === ServerEvent.PrivateMessageCreated)
            onMessage((payload as PrivateMessagePayload).text);
        },
      });
      return {
        say: (text) => void client.say(text),
        whisper: (to, text) => void client.whisper(to, text),
        close: () => client.close(),
      };
    },
    async stop() {
      await server.stop().catch(() => server.kill());
      server.remove();
    },
  };
}

async function plain(): Promise<Target> {
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), join(ROOT, 'tools/bench/plain-server.ts')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((done) =>
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) done(Number(match[1]));
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    name: 'plain',
    url,
    // tsx runs the server in a child of its own: measure that one
    pid: Number(
      readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
        .trim()
        .split(' ')[0] || child.pid,
    ),
    async connect(username, onMessage) {
      const socket: Socket = io(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      socket.on('message', (m: { text: string }) => onMessage(m.text));
      socket.on('private', (m: { text: string }) => onMessage(m.text));
      await new Promise<void>((done) => {
        socket.once('joined', () => done());
        socket.emit('login', username);
      });
      return {
        say: (text) => socket.emit('message', { clientId: randomUUID(), text }),
        whisper: (to, text) =>
          socket.emit('private', { clientId: randomUUID(), to, text }),
        close: () => socket.close(),
      };
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

interface Figures {
  clients: number;
  connectSeconds: number;
  handshakesPerSecond: number;
  sent: number;
  deliveries: number;
  expected: number;
  lost: number;
  duplicated: number;
  deliveriesPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  serverCpuPercent: number;
  serverRssMb: number;
  idleRssPerClientKb: number;
}

interface Scenario {
  id: string;
  title: string;
  clients: number;
  /** Public senders and their rate, or private pairs and their rate. */
  public?: { senders: number; rate: number };
  private?: { pairs: number; rate: number };
}

const SCENARIOS: Scenario[] = [
  {
    id: 'a',
    title: '1,000 clients, 5 senders × 4 msg/s public',
    clients: 1000,
    public: { senders: 5, rate: 4 },
  },
  {
    id: 'b',
    title: '2,000 clients, 5 senders × 2 msg/s public',
    clients: 2000,
    public: { senders: 5, rate: 2 },
  },
  {
    id: 'c',
    title: '1,000 clients, 100 pairs × 10 msg/s private',
    clients: 1000,
    private: { pairs: 100, rate: 10 },
  },
  { id: 'e', title: 'connect storm: 2,000 clients', clients: 2000 },
];

async function run(
  target: Target,
  scenario: Scenario,
  clients: number,
  seconds: number,
): Promise<Figures> {
  const baseline = processStats(target.pid);
  const received = new Map<string, number>();
  const latencies: number[] = [];
  const onMessage: OnMessage = (text) => {
    const [key, sentAt] = text.split('|');
    received.set(key, (received.get(key) ?? 0) + 1);
    latencies.push(performance.now() - Number(sentAt));
  };
  const started = performance.now();
  const connected: LoadClient[] = [];
  const batch = scenario.public || scenario.private ? 25 : 100;
  for (let i = 0; i < clients; i += batch) {
    connected.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(batch, clients - i) }, (_, j) =>
          target.connect(`u${i + j}`, onMessage),
        ),
      )),
    );
  }
  const connectSeconds = (performance.now() - started) / 1000;
  await sleep(1000);
  const idle = processStats(target.pid);
  const expected = new Map<string, number>();
  let sent = 0;
  const cpuBefore = processStats(target.pid).cpu;
  const loadStart = performance.now();
  const senders: Promise<void>[] = [];
  const loop = async (
    rate: number,
    send: (text: string) => void,
    copies: number,
    name: string,
  ) => {
    for (let n = 0; performance.now() - loadStart < seconds * 1000; n++) {
      const key = `${name}.${n}`;
      expected.set(key, copies);
      send(`${key}|${performance.now()}`);
      sent++;
      await sleep(1000 / rate);
    }
  };
  if (scenario.public)
    for (let s = 0; s < scenario.public.senders; s++)
      senders.push(
        loop(
          scenario.public.rate,
          (t) => connected[s].say(t),
          clients,
          `s${s}`,
        ),
      );
  if (scenario.private)
    for (let p = 0; p < Math.min(scenario.private.pairs, clients / 2); p++) {
      const [a, b] = [2 * p, 2 * p + 1];
      senders.push(
        loop(
          scenario.private.rate,
          (t) => connected[a].whisper(`u${b}`, t),
          2,
          `p${p}`,
        ),
      );
    }
  await Promise.all(senders);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const cpuAfter = processStats(target.pid).cpu;
  // drain: wait (bounded) until every expected copy arrived
  const total = [...expected.values()].reduce((a, b) => a + b, 0);
  const deadline = performance.now() + 15_000;
  let deliveries = 0;
  for (;;) {
    deliveries = [...received.values()].reduce((a, b) => a + b, 0);
    if (deliveries >= total || performance.now() > deadline) break;
    await sleep(100);
  }
  let lost = 0;
  let duplicated = 0;
  for (const [key, copies] of expected) {
    const got = received.get(key) ?? 0;
    if (got < copies) lost += copies - got;
    if (got > copies) duplicated += got - copies;
  }
  const end = processStats(target.pid);
  for (const client of connected) client.close();
  latencies.sort((a, b) => a - b);
  return {
    clients,
    connectSeconds: +connectSeconds.toFixed(1),
    handshakesPerSecond: Math.round(clients / connectSeconds),
    sent,
    deliveries,
    expected: total,
    lost,
    duplicated,
    deliveriesPerSecond: Math.round(deliveries / Math.max(loadSeconds, 1e-9)),
    p50: +percentile(latencies, 50).toFixed(1),
    p95: +percentile(latencies, 95).toFixed(1),
    p99: +percentile(latencies, 99).toFixed(1),
    max: +(latencies.at(-1) ?? NaN).toFixed(1),
    serverCpuPercent: Math.round(((cpuAfter - cpuBefore) / loadSeconds) * 100),
    serverRssMb: +end.rssMb.toFixed(1),
    idleRssPerClientKb: Math.round(
      ((idle.rssMb - baseline.rssMb) * 1024) / clients,
    ),
  };
}

/** AES-256-GCM seals per second of a 200-byte message on this machine: our crypto's ceiling. */
function sealRate(): number {
  const key = randomBytes(32);
  const plaintext = randomBytes(200);
  const iv = Buffer.alloc(12);
  let n = 0;
  const end = performance.now() + 1000;
  while (performance.now() < end) {
    iv.writeUInt32BE(n++, 8);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.update(plaintext);
    cipher.final();
    cipher.getAuthTag();
  }
  return n;
}

const ROWS: [keyof Figures, string][] = [
  ['clients', 'clients'],
  ['handshakesPerSecond', 'connects/s'],
  ['deliveriesPerSecond', 'deliveries/s'],
  ['p50', 'latency p50 ms'],
  ['p95', 'latency p95 ms'],
  ['p99', 'latency p99 ms'],
  ['max', 'latency max ms'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['serverCpuPercent', 'server CPU %'],
  ['serverRssMb', 'server RSS MB'],
  ['idleRssPerClientKb', 'idle RSS/client KB'],
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'a,b,c,e' },
      'clients-scale': { type: 'string', default: '1' },
      seconds: { type: 'string', default: '15' },
      json: { type: 'string' },
    },
  });
  const wanted = values.scenario.split(',');
  const scale = Number(values['clients-scale']);
  const seconds = Number(values.seconds);
  const seals = sealRate();
  console.log(
    `AES-256-GCM seal rate (200 B, node:crypto, one core): ${seals.toLocaleString()}/s`,
  );
  const results: Record<string, { ours: Figures; plain: Figures }> = {};
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    const clients = Math.max(2, Math.round(scenario.clients * scale));
    const figures = {} as { ours: Figures; plain: Figures };
    for (const start of [ours, plain]) {
      const target = await start();
      try {
        figures[target.name] = await run(target, scenario, clients, seconds);
      } finally {
        await target.stop();
      }
    }
    results[scenario.id] = figures;
    console.log(
      `\n(${scenario.id}) ${scenario.title}${scale !== 1 ? ` (clients × ${scale})` : ''}`,
    );
    console.log(
      'figure'.padEnd(22) +
        'ours'.padStart(12) +
        'plain'.padStart(12) +
        'ours/plain'.padStart(12),
    );
    for (const [key, label] of ROWS) {
      const a = figures.ours[key];
      const b = figures.plain[key];
      console.log(
        label.padEnd(22) +
          String(a).padStart(12) +
          String(b).padStart(12) +
          (b ? (a / b).toFixed(2) : '-').padStart(12),
      );
    }
  }
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({ sealsPerSecond: seals, results }, null, 2),
    );
}

void main();
