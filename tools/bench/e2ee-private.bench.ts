/**
 * `npm run bench:e2ee [-- --pairs 20 --rate 10 --seconds 10]`: what an end-to-end private message costs
 * the server against the same private message in plain text, in one run on one built server.
 * The sender seals every end-to-end message before the clock starts (MLS signs each with P-384 in
 * JavaScript, a cost of the browser, not of the server), then both phases send at the same rate
 * and the same text length. Reported per phase: server CPU per message, latency from send to the
 * recipient's socket, and the generator's own CPU (its headroom).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import {
  ClientEvent,
  type E2eePayload,
  type PrivateMessagePayload,
  ServerEvent,
  createIdentityKey,
  fromBase64,
  toBase64,
  utf8,
} from '@app/shared';
import { e2eePayload, tsMlsEngine } from '@app/shared/e2ee';
import { ChatClient } from '@app/testing';

import { processStats, startLoadServer } from '../load/load-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Phase {
  name: string;
  serverCpuUsPerMessage: number;
  generatorCpuPercent: number;
  p50: number;
  p99: number;
  delivered: number;
}

interface Pair {
  alice: ChatClient;
  bob: ChatClient;
  sealed: E2eePayload[];
}

/** A pair of clients with a founded conversation and `count` messages sealed in advance. */
async function pair(
  url: string,
  index: number,
  count: number,
  text: (n: number) => string,
  arrivals: Map<string, number>,
): Promise<Pair> {
  const [aliceKey, bobKey] = await Promise.all([
    createIdentityKey(),
    createIdentityKey(),
  ]);
  const [from, to] = [`alice${index}`, `bob${index}`];
  const alice = await ChatClient.login(url, from, { identity: aliceKey });
  const bob = await ChatClient.login(url, to, {
    identity: bobKey,
    keep: false,
    observe: (event, payload) => {
      if (event === ServerEvent.PrivateMessageCreated)
        arrivals.set(
          (payload as PrivateMessagePayload).clientId,
          performance.now(),
        );
    },
  });
  // the conversation, founded as the browser founds it
  const trustAll = async () => true;
  const aliceDevice = await tsMlsEngine.device(from, aliceKey, trustAll);
  const bobDevice = await tsMlsEngine.device(to, bobKey, trustAll);
  await bob.send(ClientEvent.KeyPackagesPublish, {
    packages: [toBase64(await bobDevice.keyPackage())],
  });
  await alice.send(ClientEvent.KeyPackageClaim, { name: to });
  const claimed = await alice.next(ServerEvent.KeyPackage);
  const id = crypto.getRandomValues(new Uint8Array(16));
  const { conversation, welcome } = await aliceDevice.start(
    id,
    fromBase64(claimed.package),
  );
  await alice.send(ClientEvent.PrivateMessageSend, {
    clientId: randomUUID(),
    to,
    text: '',
    e2ee: e2eePayload('welcome', id, welcome),
  });
  const sealed: E2eePayload[] = [];
  for (let n = 0; n < count; n++)
    sealed.push(
      e2eePayload('message', id, await conversation.seal(utf8(text(n)))),
    );
  return { alice, bob, sealed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pairs: { type: 'string', default: '20' },
      rate: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '10' },
    },
  });
  const pairCount = Number(values.pairs);
  const rate = Number(values.rate);
  const perPair = rate * Number(values.seconds);
  const count = pairCount * perPair;
  const server = await startLoadServer();
  try {
    const arrivals = new Map<string, number>();
    const text = (n: number) => `message ${n} `.padEnd(100, '.');
    const sealStart = performance.now();
    const pairs: Pair[] = [];
    for (let i = 0; i < pairCount; i++)
      pairs.push(await pair(server.url, i, perPair, text, arrivals));
    const sealMs = (performance.now() - sealStart) / count;

    const phase = async (
      name: string,
      payload: (p: Pair, n: number) => { text: string; e2ee?: E2eePayload },
    ): Promise<Phase> => {
      await sleep(1000);
      arrivals.clear();
      const sentAt = new Map<string, number>();
      const cpuBefore = processStats(server.pid).cpu;
      const ownBefore = process.cpuUsage();
      const start = performance.now();
      // every pair keeps to its schedule (message n at n / rate)
      await Promise.all(
        pairs.map(async (p, i) => {
          for (let n = 0; n < perPair; n++) {
            const clientId = randomUUID();
            sentAt.set(clientId, performance.now());
            void p.alice.send(ClientEvent.PrivateMessageSend, {
              clientId,
              to: `bob${i}`,
              ...payload(p, n),
            });
            await sleep(start + ((n + 1) * 1000) / rate - performance.now());
          }
        }),
      );
      const deadline = performance.now() + 15_000;
      while (arrivals.size < count && performance.now() < deadline)
        await sleep(50);
      const seconds = (performance.now() - start) / 1000;
      const cpu = processStats(server.pid).cpu - cpuBefore;
      const own = process.cpuUsage(ownBefore);
      const latencies = [...arrivals]
        .map(([clientId, at]) => at - (sentAt.get(clientId) ?? at))
        .sort((a, b) => a - b);
      const at = (p: number) =>
        +(
          latencies[
            Math.min(
              latencies.length - 1,
              Math.floor((p / 100) * latencies.length),
            )
          ] ?? NaN
        ).toFixed(1);
      return {
        name,
        serverCpuUsPerMessage: Math.round((cpu * 1e6) / count),
        generatorCpuPercent: Math.round(
          ((own.user + own.system) / 1e6 / seconds) * 100,
        ),
        p50: at(50),
        p99: at(99),
        delivered: arrivals.size,
      };
    };
    const plain = await phase('plain text', (_p, n) => ({ text: text(n) }));
    const endToEnd = await phase('end to end', (p, n) => ({
      text: '',
      e2ee: p.sealed[n],
    }));
    console.log(
      `\nPrivate messages: ${pairCount} pairs × ${rate}/s for ${values.seconds} s (${count} messages a phase; sealing in the sender: ${sealMs.toFixed(2)} ms each, done before the clock)`,
    );
    console.log(
      '| path | server CPU per message | p50 | p99 | delivered | generator CPU |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const p of [plain, endToEnd])
      console.log(
        `| ${p.name} | ${p.serverCpuUsPerMessage} µs | ${p.p50} ms | ${p.p99} ms | ${p.delivered} / ${count} | ${p.generatorCpuPercent} % |`,
      );
    for (const p of pairs) {
      p.alice.close();
      p.bob.close();
    }
  } finally {
    await server.stop().catch(() => server.kill());
    server.remove();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
