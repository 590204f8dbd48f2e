/**
 * One thread of the bench's load generator (load-generator.ts starts them): it holds a share of
 * the clients, sends for the senders among them on an absolute schedule and counts what reaches
 * its clients. Times are wall-clock milliseconds (`timeOrigin + now`), so a message sent in one
 * thread and received in another is timed on the same clock.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

import {
  type ClientSpec,
  type LoadClient,
  type OnMessage,
  connectClient,
} from './load-clients';
import type { Command, Reply, SenderLoop } from './load-protocol';

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread');
const spec = (workerData as { spec: ClientSpec }).spec;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Clients by their index in the whole run. */
const clients = new Map<number, LoadClient>();
let phase = '';
let received = new Map<string, number>();
let latencies: number[] = [];
let deliveries = 0;
let lastArrival = 0;

const onMessage: OnMessage = (text) => {
  lastArrival = now();
  const [key, sentAt] = text.split('|');
  // a late copy from an earlier phase says nothing about this one
  if (!key.startsWith(`${phase}.`)) return;
  received.set(key, (received.get(key) ?? 0) + 1);
  latencies.push(lastArrival - Number(sentAt));
  deliveries++;
};

/** Keeps one sender to its schedule (message n at start + offset + n / rate), whatever a send costs. */
async function loop(
  sender: SenderLoop,
  startAt: number,
  seconds: number,
  expected: Map<string, number>,
): Promise<number> {
  const client = clients.get(sender.client);
  if (!client) throw new Error(`client ${sender.client} is not here`);
  let sent = 0;
  await sleep(startAt + sender.offsetMs - now());
  for (let n = 0; n / sender.rate < seconds; n++) {
    const key = `${phase}.${sender.name}.${n}`;
    expected.set(key, sender.copies);
    const text = `${key}|${now()}`;
    if (sender.to === undefined) client.say(text);
    else client.whisper(sender.to, text);
    sent++;
    await sleep(
      startAt + sender.offsetMs + ((n + 1) * 1000) / sender.rate - now(),
    );
  }
  return sent;
}

async function handle(command: Command): Promise<Reply> {
  switch (command.op) {
    case 'connect': {
      const busyBefore = performance.eventLoopUtilization();
      for (let i = 0; i < command.indices.length; i += command.batch) {
        const batch = command.indices.slice(i, i + command.batch);
        const connected = await Promise.all(
          batch.map((index) =>
            connectClient(spec, index, `u${index}`, onMessage),
          ),
        );
        batch.forEach((index, j) => clients.set(index, connected[j]));
      }
      return {
        op: 'connect',
        busy: performance.eventLoopUtilization(busyBefore).utilization,
      };
    }
    case 'found':
      for (const [from, to] of command.pairs) {
        const peer = clients.get(to);
        if (peer) await clients.get(from)?.found?.(`u${to}`, peer);
      }
      return { op: 'found' };
    case 'phase':
      phase = command.phase;
      received = new Map();
      latencies = [];
      deliveries = 0;
      return { op: 'phase' };
    case 'drive': {
      await sleep(command.startAt - now());
      const busyBefore = performance.eventLoopUtilization();
      const expected = new Map<string, number>();
      const sent = await Promise.all(
        command.loops.map((l) =>
          loop(l, command.startAt, command.seconds, expected),
        ),
      );
      // a thread without senders still receives until the window closes
      await sleep(command.startAt + command.seconds * 1000 - now());
      return {
        op: 'drive',
        sent: sent.reduce((a, b) => a + b, 0),
        expected: [...expected],
        deliveries,
        busy: performance.eventLoopUtilization(busyBefore).utilization,
      };
    }
    case 'count':
      return { op: 'count', deliveries, lastArrival };
    case 'collect':
      return {
        op: 'collect',
        received: [...received],
        latencies: Float64Array.from(latencies),
      };
    case 'close':
      for (const client of clients.values()) client.close();
      clients.clear();
      return { op: 'close' };
  }
}

port.on('message', (message: { id: number; command: Command }) => {
  handle(message.command).then(
    (reply) => port.postMessage({ id: message.id, reply }),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
