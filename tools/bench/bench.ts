/**
 * `npm run bench [-- --scenario a,c,e --clients-scale 0.5 --seconds 15 --threads 2 --json bench.json --profile dir]`
 *
 * Load benchmark over loopback, our server against a minimal plain Socket.IO server in the same
 * run (tools/bench/plain-server.ts), with identical load: N clients connect and log in (ours:
 * the real handshake through the shared protocol client, on `node:crypto`), spread over the
 * generator's worker threads; then senders send at a fixed rate and every client records when
 * each message arrived (ours: after decryption; an end-to-end private message by its client
 * id). Prints each figure as ours / plain, with the generator's CPU and its busiest thread;
 * asserts nothing. Scenario (c0) compares our end-to-end private path (real MLS ciphertext)
 * with stand-in ciphertext of the text's size (no conversation founded; the server, which since
 * E63 refuses private messages in the clear, relays both alike). Scenario (f) compares two of our instances (PostgreSQL + Redis, clients
 * split between them) with one (PostgreSQL). Every phase is bounded in time and count.
 */
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import {
  ClientEvent,
  FileOpener,
  Limits,
  ServerEvent,
  UploadWindow,
  createIdentityKey,
  fromBase64,
  sealFile,
} from '@app/shared';
import { decodeE2eeFile, e2eePayload, encodeE2eeFile } from '@app/shared/e2ee';
import {
  ChatClient,
  foundConversation,
  freshDatabase,
  nodeCryptoChannels,
  nodeFileCrypto,
} from '@app/testing';

import { type ClientSpec, plainLogin, within } from './load-clients';
import {
  DEFAULT_THREADS,
  type GeneratorLoad,
  LoadGenerator,
} from './load-generator';
import type { SenderLoop } from './load-protocol';
import { processStats, startLoadServer } from '../load/load-server';

const ROOT = resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

/** The plain side's chunks: the file cut in 48 KB pieces, nothing sealed. */
function plainChunks(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += Limits.fileChunkBytes)
    chunks.push(bytes.subarray(start, start + Limits.fileChunkBytes));
  return chunks;
}

/** The recipient's check: nothing counts as delivered unless it is what the sender hashed. */
async function expectSha256(
  bytes: Uint8Array,
  expected: string,
): Promise<void> {
  if ((await nodeFileCrypto.sha256Hex([bytes])) !== expected)
    throw new Error('SHA-256 mismatch');
}

interface Target {
  name: string;
  url: string;
  /** The server processes (CPU and memory figures are their sums). */
  pids: number[];
  /** How the generator's threads log their clients in. */
  clients: ClientSpec;
  /**
   * Sends `bytes` from one fresh client to another in 48 KB chunks, a window in flight; resolves
   * with the milliseconds from the sender's SHA-256 to the recipient's verified copy.
   */
  transfer(bytes: Uint8Array<ArrayBuffer>): Promise<number>;
  stop(): Promise<void>;
}

/** Our server; `endToEnd: false` sends stand-in ciphertext (`relayedPrivate`), founding no MLS conversation. */
async function ours(profileDir?: string, endToEnd = true): Promise<Target> {
  const server = await startLoadServer(profileDir);
  return {
    name: endToEnd ? 'ours' : 'stand-in',
    url: server.url,
    pids: [server.pid],
    clients: { kind: 'ours', urls: [server.url], endToEnd },
    /** A private file end to end: sealed, its secret in MLS, opened and checked by the recipient. */
    async transfer(bytes) {
      const keys = {
        from: await createIdentityKey(),
        to: await createIdentityKey(),
      };
      const [sender, recipient] = await Promise.all([
        ChatClient.login(server.url, 'sender', {
          identity: keys.from,
          channels: nodeCryptoChannels,
        }),
        ChatClient.login(server.url, 'recipient', {
          identity: keys.to,
          channels: nodeCryptoChannels,
        }),
      ]);
      try {
        const conversation = await foundConversation(sender, recipient, keys);
        const started = performance.now();
        const transferId = randomUUID();
        const sealed = await sealFile(
          bytes,
          transferId,
          'bench.bin',
          'application/octet-stream',
          nodeFileCrypto,
        );
        const upload = new UploadWindow(sealed.chunks);
        await sender.send(ClientEvent.FileOffer, {
          transferId,
          size: bytes.length,
          chunkCount: upload.chunkCount,
          sha256: sealed.sealedSha256,
          to: 'recipient',
          e2ee: e2eePayload(
            'file',
            conversation.id,
            await conversation.sender.seal(
              encodeE2eeFile({ file: sealed.secret }),
            ),
          ),
        });
        for (;;) {
          const ack = await sender.next(
            ServerEvent.FileUploadProgress,
            (p) => p.transferId === transferId,
            30_000,
          );
          if (ack.verified) break;
          for (const chunk of upload.acknowledged(ack.nextIndex))
            void sender.send(ClientEvent.FileChunk, { transferId, ...chunk });
        }
        const offer = await recipient.next(ServerEvent.FileOffered);
        const secret = decodeE2eeFile(
          await conversation.recipient.open(fromBase64(offer.e2ee?.mls ?? '')),
        )?.file;
        if (!secret) throw new Error('the file secret did not open');
        const opener = await FileOpener.for(
          secret,
          transferId,
          offer.chunkCount,
          nodeFileCrypto,
        );
        await recipient.send(ClientEvent.FileAnswer, {
          transferId,
          accept: true,
        });
        await recipient.send(ClientEvent.FileFetch, { transferId, from: 0 });
        const whole = new Uint8Array(bytes.length);
        for (let index = 0; index < offer.chunkCount; index++) {
          const chunk = await recipient.next(
            ServerEvent.FileData,
            (c) => c.transferId === transferId && c.index === index,
            30_000,
          );
          whole.set(
            await opener.open(index, chunk.data),
            index * Limits.fileChunkBytes,
          );
        }
        await expectSha256(whole, secret.sha256);
        return performance.now() - started;
      } finally {
        sender.close();
        recipient.close();
      }
    },
    async stop() {
      await server.stop().catch(() => server.kill());
      server.remove();
    },
  };
}

/**
 * Scenario (f): `instances` of our server on one fresh PostgreSQL database (and, for more than
 * one, the machine's Redis), clients spread over them in turn.
 */
async function onPostgres(instances: number): Promise<Target> {
  const db = await freshDatabase();
  const env = {
    DATABASE_URL: db.url,
    ...(instances > 1
      ? {
          REDIS_URL: process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
          REDIS_PREFIX: `fuv-bench-${randomUUID().slice(0, 8)}`,
        }
      : {}),
  };
  const servers = [await startLoadServer(undefined, { env })];
  // one after the other (the first runs the migrations), sharing the keys folder
  while (servers.length < instances)
    servers.push(
      await startLoadServer(undefined, { dir: servers[0].dir, env }),
    );
  return {
    name: instances > 1 ? `${instances} inst.` : '1 inst.',
    url: servers[0].url,
    pids: servers.map((s) => s.pid),
    clients: {
      kind: 'ours',
      urls: servers.map((s) => s.url),
      endToEnd: false,
    },
    transfer: () => Promise.reject(new Error('not measured here')),
    async stop() {
      for (const server of servers)
        await server.stop().catch(() => server.kill());
      servers[0].remove();
      await db.drop();
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
    pids: [
      Number(
        readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
          .trim()
          .split(' ')[0] || child.pid,
      ),
    ],
    clients: { kind: 'plain', url },
    async transfer(bytes) {
      const [sender, recipient] = await Promise.all([
        plainLogin(url, 'sender'),
        plainLogin(url, 'recipient'),
      ]);
      try {
        const started = performance.now();
        const sha256 = await nodeFileCrypto.sha256Hex([bytes]);
        const upload = new UploadWindow(plainChunks(bytes));
        const whole = new Uint8Array(bytes.length);
        let received = 0;
        const done = new Promise<void>((resolve) =>
          recipient.on('chunk', (c: { index: number; data: Buffer }) => {
            whole.set(c.data, c.index * Limits.fileChunkBytes);
            if (++received === upload.chunkCount) resolve();
          }),
        );
        const send = (ack: number) => {
          for (const chunk of upload.acknowledged(ack))
            sender.emit('chunk', { to: 'recipient', ...chunk });
        };
        sender.on('chunk-ack', send);
        send(0);
        await within(done, 60_000, 'plain transfer');
        await expectSha256(whole, sha256);
        return performance.now() - started;
      } finally {
        sender.close();
        recipient.close();
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

/** CPU seconds and resident memory of a target's server processes together. */
function targetStats(target: Target): { cpu: number; rssMb: number } {
  const each = target.pids.map(processStats);
  return {
    cpu: each.reduce((sum, s) => sum + s.cpu, 0),
    rssMb: each.reduce((sum, s) => sum + s.rssMb, 0),
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
  /** Server CPU time per connect and login while the room filled, in ms. */
  serverCpuMsPerConnect: number;
  /** The generator's CPU and busiest thread while the room filled. */
  connectGeneratorCpuPercent: number;
  connectGeneratorBusiestThreadPercent: number;
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
  /** Server CPU time per delivery during the load, in µs. */
  serverCpuUsPerDelivery: number;
  /** The load generator's CPU during the load, all its threads (100 = one core). */
  generatorCpuPercent: number;
  /**
   * Its busiest thread's event-loop utilisation: near 100 % that thread was saturated, and the
   * figures describe the generator, not the server.
   */
  generatorBusiestThreadPercent: number;
  serverRssMb: number;
  idleRssPerClientKb: number;
  /** Deliveries/s at the highest ramp step still within RAMP_P99_MS, nothing lost. */
  sustainedDeliveriesPerSecond: number;
}

interface Scenario {
  id: string;
  title: string;
  clients: number;
  /** Public senders and their rate, or private pairs and their rate. */
  public?: { senders: number; rate: number };
  private?: { pairs: number; rate: number };
  /** Step the rate up after the main phase (see RAMP). */
  ramp?: boolean;
  /** One file of this many MB from one client to another. */
  fileMb?: number;
  /** Two instances against one (both ours, on PostgreSQL) instead of ours against plain. */
  cluster?: boolean;
  /** Ours end to end against ours with stand-in ciphertext, instead of plain. */
  before?: boolean;
}

interface FileFigures {
  mb: number;
  seconds: number;
  mbPerSecond: number;
  serverCpuPercent: number;
  /** The sending and receiving clients' CPU (this process; 100 = one core). */
  generatorCpuPercent: number;
  serverRssMb: number;
}

const SCENARIOS: Scenario[] = [
  {
    id: 'a',
    title: '1,000 clients, 5 senders × 4 msg/s public',
    clients: 1000,
    public: { senders: 5, rate: 4 },
    ramp: true,
  },
  {
    id: 'b',
    title: '2,000 clients, 5 senders × 2 msg/s public',
    clients: 2000,
    public: { senders: 5, rate: 2 },
    ramp: true,
  },
  {
    id: 'c',
    title: '1,000 clients, 100 pairs × 10 msg/s private',
    clients: 1000,
    private: { pairs: 100, rate: 10 },
  },
  {
    id: 'c0',
    title:
      'the same private load: ours end to end vs ours with stand-in ciphertext (no MLS conversation)',
    clients: 1000,
    private: { pairs: 100, rate: 10 },
    before: true,
  },
  {
    id: 'd',
    title: 'one 20 MB file, sender to recipient, both SHA-256 checks',
    clients: 2,
    fileMb: 20,
  },
  { id: 'e', title: 'connect storm: 2,000 clients', clients: 2000 },
  {
    id: 'f',
    title:
      '2,000 clients split over two instances (PostgreSQL + Redis) vs one (PostgreSQL), 5 senders × 2 msg/s public',
    clients: 2000,
    public: { senders: 5, rate: 2 },
    cluster: true,
  },
];

/** Clients connected and logged in to one target, in the generator's threads. */
interface Room {
  load: LoadGenerator;
  clients: number;
  connectSeconds: number;
  serverCpuSeconds: number;
  generator: GeneratorLoad;
  idleRssPerClientKb: number;
}

async function connectRoom(
  target: Target,
  scenario: Scenario,
  count: number,
  threads: number,
): Promise<Room> {
  const baseline = targetStats(target);
  const load = new LoadGenerator(target.clients, threads);
  const started = performance.now();
  let generator: GeneratorLoad;
  try {
    generator = await load.connect(
      count,
      scenario.public || scenario.private ? 25 : 100,
    );
  } catch (error) {
    await load.stop();
    throw error;
  }
  const connectSeconds = (performance.now() - started) / 1000;
  const serverCpuSeconds = targetStats(target).cpu - baseline.cpu;
  await sleep(1000);
  return {
    load,
    clients: count,
    connectSeconds,
    serverCpuSeconds,
    generator,
    idleRssPerClientKb: Math.round(
      ((targetStats(target).rssMb - baseline.rssMb) * 1024) / count,
    ),
  };
}

/** The scenario's private pairs: clients (2p, 2p + 1). */
function pairsOf(scenario: Scenario, clients: number): [number, number][] {
  const count = Math.min(scenario.private?.pairs ?? 0, Math.floor(clients / 2));
  return Array.from({ length: count }, (_, p) => [2 * p, 2 * p + 1]);
}

/** Sends the scenario's load × `rateScale` for `seconds`, then waits (bounded) for every copy. */
async function drive(
  target: Target,
  room: Room,
  scenario: Scenario,
  phase: string,
  rateScale: number,
  seconds: number,
): Promise<Figures> {
  const { clients, load } = room;
  // what an earlier phase left queued would delay this one: wait (bounded) for a quiet second
  await load.quiet(30_000);
  const loops: SenderLoop[] = [];
  // the senders' first messages spread evenly over one interval
  if (scenario.public) {
    const { senders, rate } = scenario.public;
    for (let s = 0; s < senders; s++)
      loops.push({
        client: s,
        rate: rate * rateScale,
        copies: clients,
        name: `s${s}`,
        offsetMs: (s * 1000) / senders / (rate * rateScale),
      });
  }
  if (scenario.private) {
    const pairs = pairsOf(scenario, clients);
    const rate = scenario.private.rate * rateScale;
    for (const [p, [a, b]] of pairs.entries())
      loops.push({
        client: a,
        to: `u${b}`,
        rate,
        copies: 2,
        name: `p${p}`,
        offsetMs: (p * 1000) / pairs.length / rate,
      });
  }
  const cpuBefore = targetStats(target).cpu;
  const window = await load.drive(phase, loops, seconds);
  const cpuAfter = targetStats(target).cpu;
  const total = [...window.expected.values()].reduce((a, b) => a + b, 0);
  const deadline = performance.now() + 15_000;
  let deliveries = 0;
  for (;;) {
    deliveries = await load.deliveries();
    if (deliveries >= total || performance.now() > deadline) break;
    await sleep(100);
  }
  const { received, latencies } = await load.collect();
  let lost = 0;
  let duplicated = 0;
  for (const [key, copies] of window.expected) {
    const got = received.get(key) ?? 0;
    if (got < copies) lost += copies - got;
    if (got > copies) duplicated += got - copies;
  }
  latencies.sort((a, b) => a - b);
  const serverCpu = cpuAfter - cpuBefore;
  return {
    clients,
    connectSeconds: +room.connectSeconds.toFixed(1),
    handshakesPerSecond: Math.round(clients / room.connectSeconds),
    serverCpuMsPerConnect: +((room.serverCpuSeconds * 1000) / clients).toFixed(
      2,
    ),
    connectGeneratorCpuPercent: room.generator.cpuPercent,
    connectGeneratorBusiestThreadPercent: room.generator.busiestThreadPercent,
    sent: window.sent,
    deliveries,
    expected: total,
    lost,
    duplicated,
    deliveriesPerSecond: Math.round(deliveries / window.loadSeconds),
    p50: +percentile(latencies, 50).toFixed(1),
    p95: +percentile(latencies, 95).toFixed(1),
    p99: +percentile(latencies, 99).toFixed(1),
    max: +(latencies.at(-1) ?? NaN).toFixed(1),
    serverCpuPercent: Math.round((serverCpu / window.loadSeconds) * 100),
    // the deliveries made while the load ran (those still on the way after it are not counted);
    // a scenario without load (the connect storm) has neither figure
    serverCpuUsPerDelivery: window.deliveredDuringLoad
      ? Math.round((serverCpu * 1e6) / window.deliveredDuringLoad)
      : NaN,
    generatorCpuPercent: window.sent ? window.cpuPercent : NaN,
    generatorBusiestThreadPercent: window.sent
      ? window.busiestThreadPercent
      : NaN,
    serverRssMb: +targetStats(target).rssMb.toFixed(1),
    idleRssPerClientKb: room.idleRssPerClientKb,
    sustainedDeliveriesPerSecond: NaN,
  };
}

/** The rate steps of the ramp (× the scenario's rate), each RAMP_SECONDS long: up from the
 * scenario's rate while it holds, down from it until one holds when it does not. */
const RAMP_UP = [1.5, 2, 3, 4, 6, 8];
const RAMP_DOWN = [0.5, 0.25, 0.1];
const RAMP_SECONDS = 4;
/** A step holds when its p99 stays within this and nothing is lost. */
const RAMP_P99_MS = 100;
/**
 * A step that fails is tried once more: a 4-second phase's p99 is its worst 1 %, and one burst
 * from a neighbour on a shared core can spoil it (a second try tells noise from cost).
 */
const RAMP_ATTEMPTS = 2;

async function run(
  target: Target,
  scenario: Scenario,
  clients: number,
  seconds: number,
  threads: number,
): Promise<Figures> {
  const room = await connectRoom(target, scenario, clients, threads);
  try {
    // end to end: every pair's conversation founded before the clock starts
    await room.load.found(pairsOf(scenario, clients));
    const figures = await drive(target, room, scenario, 'main', 1, seconds);
    if (!scenario.ramp) return figures;
    // the highest rate still held (p99 within RAMP_P99_MS, nothing lost)
    const held = (f: Figures) => f.p99 <= RAMP_P99_MS && f.lost === 0;
    /** Deliveries/s at this step if one of its attempts held, else 0. */
    const holds = async (step: number, attempts: number): Promise<number> => {
      for (let attempt = 0; attempt < attempts; attempt++) {
        const f = await drive(
          target,
          room,
          scenario,
          `x${step}.${attempt}`,
          step,
          RAMP_SECONDS,
        );
        console.log(
          `  ${target.name} at ×${step}: ${f.deliveriesPerSecond} deliveries/s, p99 ${f.p99} ms, lost ${f.lost}`,
        );
        if (held(f)) return f.deliveriesPerSecond;
      }
      return 0;
    };
    let sustained = held(figures)
      ? figures.deliveriesPerSecond
      : await holds(1, RAMP_ATTEMPTS - 1);
    for (const step of sustained ? RAMP_UP : RAMP_DOWN) {
      const rate = await holds(step, RAMP_ATTEMPTS);
      sustained = Math.max(sustained, rate);
      // going up, the first failure ends it; going down, the first success
      if (rate > 0 === step < 1) break;
    }
    return { ...figures, sustainedDeliveriesPerSecond: sustained };
  } finally {
    await room.load.stop();
  }
}

/** Scenario (d): the sender's hash, upload, server check, download, the recipient's check. */
async function runFile(target: Target, mb: number): Promise<FileFigures> {
  const bytes = new Uint8Array(randomBytes(mb * MB));
  const cpuBefore = targetStats(target).cpu;
  const generatorBefore = process.cpuUsage();
  const ms = await within(target.transfer(bytes), 120_000, 'transfer');
  const generator = process.cpuUsage(generatorBefore);
  const end = targetStats(target);
  return {
    mb,
    seconds: +(ms / 1000).toFixed(2),
    mbPerSecond: +((mb * 1000) / ms).toFixed(1),
    serverCpuPercent: Math.round(((end.cpu - cpuBefore) * 100_000) / ms),
    generatorCpuPercent: Math.round(
      (generator.user + generator.system) / 10 / ms,
    ),
    serverRssMb: +end.rssMb.toFixed(1),
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

const FILE_ROWS: [keyof FileFigures, string][] = [
  ['mb', 'file MB'],
  ['seconds', 'end to end s'],
  ['mbPerSecond', 'MB/s'],
  ['serverCpuPercent', 'server CPU %'],
  ['generatorCpuPercent', 'generator CPU %'],
  ['serverRssMb', 'server RSS MB'],
];

/** A generator thread this busy (event-loop utilisation) is the bottleneck: its run is flagged. */
const GENERATOR_SATURATED_PERCENT = 90;

const ROWS: [keyof Figures, string][] = [
  ['clients', 'clients'],
  ['handshakesPerSecond', 'connects/s'],
  ['serverCpuMsPerConnect', 'server CPU ms/connect'],
  ['connectGeneratorCpuPercent', 'connect: gen. CPU %'],
  ['connectGeneratorBusiestThreadPercent', 'connect: gen. busiest %'],
  ['deliveriesPerSecond', 'deliveries/s'],
  ['sustainedDeliveriesPerSecond', 'held deliveries/s'],
  ['p50', 'latency p50 ms'],
  ['p95', 'latency p95 ms'],
  ['p99', 'latency p99 ms'],
  ['max', 'latency max ms'],
  ['lost', 'lost (15 s drain)'],
  ['duplicated', 'duplicated'],
  ['serverCpuPercent', 'server CPU %'],
  ['serverCpuUsPerDelivery', 'server CPU µs/deliv.'],
  ['generatorCpuPercent', 'generator CPU %'],
  ['generatorBusiestThreadPercent', 'gen. busiest thread %'],
  ['serverRssMb', 'server RSS MB'],
  ['idleRssPerClientKb', 'idle RSS/client KB'],
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'a,b,c,c0,d,e,f' },
      'clients-scale': { type: 'string', default: '1' },
      seconds: { type: 'string', default: '15' },
      json: { type: 'string' },
      profile: { type: 'string' },
      threads: { type: 'string', default: String(DEFAULT_THREADS) },
    },
  });
  const wanted = values.scenario.split(',');
  const scale = Number(values['clients-scale']);
  const seconds = Number(values.seconds);
  const threads = Number(values.threads);
  const seals = sealRate();
  console.log(
    `AES-256-GCM seal rate (200 B, node:crypto, one core): ${seals.toLocaleString()}/s`,
  );
  type Side = Figures | FileFigures;
  const results: Record<string, Record<string, Side>> = {};
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    const clients = Math.max(2, Math.round(scenario.clients * scale));
    const figures: Record<string, Side> = {};
    const sides = scenario.cluster
      ? [() => onPostgres(2), () => onPostgres(1)]
      : scenario.before
        ? [() => ours(values.profile), () => ours(values.profile, false)]
        : [() => ours(values.profile), plain];
    for (const start of sides) {
      const target = await start();
      try {
        figures[target.name] = scenario.fileMb
          ? await runFile(target, scenario.fileMb)
          : await run(target, scenario, clients, seconds, threads);
      } finally {
        await target.stop();
      }
    }
    results[scenario.id] = figures;
    console.log(
      `\n(${scenario.id}) ${scenario.title}${scale !== 1 && !scenario.fileMb ? ` (clients × ${scale})` : ''}`,
    );
    const [first, second] = Object.keys(figures);
    console.log(
      'figure'.padEnd(22) +
        first.padStart(12) +
        second.padStart(12) +
        `${first}/${second}`.padStart(18),
    );
    const rows = (scenario.fileMb ? FILE_ROWS : ROWS) as [string, string][];
    for (const [key, label] of rows) {
      const a = (figures[first] as unknown as Record<string, number>)[key];
      const b = (figures[second] as unknown as Record<string, number>)[key];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      console.log(
        label.padEnd(22) +
          String(a).padStart(12) +
          String(b).padStart(12) +
          (b ? (a / b).toFixed(2) : '-').padStart(18),
      );
    }
    for (const [side, f] of Object.entries(figures)) {
      const {
        generatorBusiestThreadPercent: load = 0,
        connectGeneratorBusiestThreadPercent: connect = 0,
      } = f as Partial<Figures>;
      if (load >= GENERATOR_SATURATED_PERCENT)
        console.log(
          `! ${side}: a load generator thread was saturated (${load} % busy): these figures describe it, not the server`,
        );
      if (connect >= GENERATOR_SATURATED_PERCENT)
        console.log(
          `! ${side}: a load generator thread was saturated while connecting (${connect} % busy): connects/s describes it, not the server`,
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
