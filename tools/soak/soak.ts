/**
 * `npm run soak [-- --clients 1000 --minutes 10 --senders 10 --rate 0.2 --json soak.json]`
 *
 * A bounded soak of the built server as a real process on loopback: N clients log in through
 * the real handshake (the shared protocol client), S of them send public messages at R msg/s
 * each for the given time, and every client checks that it receives every message exactly
 * once. The server's RSS is sampled from /proc every few seconds; the report gives messages,
 * deliveries, lost and duplicated deliveries (must be 0), RSS at start and end and its slope.
 * Prints figures; exits non-zero if anything was lost or duplicated.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { type MessagePayload, ServerEvent } from '@app/shared';
import { ChatClient } from '@app/testing';

import { processStats, startLoadServer } from '../load/load-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Least-squares slope of (minute, MB) samples. */
function slope(samples: { minute: number; mb: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, s) => a + s.minute, 0) / n;
  const my = samples.reduce((a, s) => a + s.mb, 0) / n;
  const num = samples.reduce((a, s) => a + (s.minute - mx) * (s.mb - my), 0);
  const den = samples.reduce((a, s) => a + (s.minute - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Which message ids one client has seen, as bits from the first id of the run. */
class Receipts {
  private seen = new Uint8Array(1024);
  received = 0;
  duplicates = 0;

  constructor(private readonly base: number) {}

  add(id: number): void {
    const at = id - this.base;
    if (at < 0) return; // history from before the run
    if (at >= this.seen.length) {
      const grown = new Uint8Array(Math.max(at + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[at]) this.duplicates++;
    else {
      this.seen[at] = 1;
      this.received++;
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '1000' },
      minutes: { type: 'string', default: '10' },
      senders: { type: 'string', default: '10' },
      rate: { type: 'string', default: '0.2' },
      json: { type: 'string' },
    },
  });
  const clientCount = Number(values.clients);
  const durationMs = Number(values.minutes) * 60_000;
  const senderCount = Math.min(Number(values.senders), clientCount);
  const rate = Number(values.rate);

  const server = await startLoadServer();
  const clients: ChatClient[] = [];
  const receipts: Receipts[] = [];
  try {
    const connectStart = Date.now();
    for (let i = 0; i < clientCount; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, clientCount - i) }, (_, j) => {
          const index = i + j;
          return ChatClient.login(server.url, `soak${index}`, {
            resilient: true,
            keep: false,
            observe: (event, payload) => {
              if (event === ServerEvent.MessageCreated)
                receipts[index]?.add((payload as MessagePayload).id);
            },
          });
        }),
      );
      clients.push(...batch);
    }
    const connectMs = Date.now() - connectStart;
    // ids start after whatever history exists (none on a fresh database)
    for (let i = 0; i < clientCount; i++) receipts.push(new Receipts(1));
    const rssStart = processStats(server.pid).rssMb;
    console.log(
      `${clientCount} clients connected in ${connectMs} ms; server RSS ${rssStart.toFixed(1)} MB`,
    );

    const samples: { minute: number; mb: number }[] = [];
    const started = Date.now();
    let said = 0;
    const senders = clients.slice(0, senderCount);
    const intervalMs = 1000 / rate;
    const load = senders.map(async (sender, i) => {
      await sleep((intervalMs * i) / senderCount);
      for (let n = 0; Date.now() - started < durationMs; n++) {
        sender.say(`soak ${i}:${n}`);
        said++;
        await sleep(intervalMs);
      }
    });
    const sampler = setInterval(() => {
      const minute = (Date.now() - started) / 60_000;
      samples.push({ minute, mb: processStats(server.pid).rssMb });
      const last = samples.at(-1)!;
      console.log(
        `t=${minute.toFixed(1)} min  sent ${said}  server RSS ${last.mb.toFixed(1)} MB`,
      );
    }, 10_000);
    await Promise.all(load);
    clearInterval(sampler);
    for (const sender of senders)
      await sender.until(() => sender.outbox.size === 0, 'outbox', 60_000);
    // let the last broadcasts arrive
    const expected = said;
    const deadline = Date.now() + 30_000;
    while (receipts.some((r) => r.received < expected) && Date.now() < deadline)
      await sleep(200);

    const rssEnd = processStats(server.pid).rssMb;
    const lost = receipts.reduce(
      (a, r) => a + Math.max(0, expected - r.received),
      0,
    );
    const duplicated = receipts.reduce((a, r) => a + r.duplicates, 0);
    const steady = samples.filter(
      (s) => s.minute >= Number(values.minutes) / 4,
    );
    const report = {
      clients: clientCount,
      minutes: Number(values.minutes),
      senders: senderCount,
      ratePerSender: rate,
      connectMs,
      messages: expected,
      deliveries: receipts.reduce((a, r) => a + r.received, 0),
      lost,
      duplicated,
      rssStartMb: +rssStart.toFixed(1),
      rssEndMb: +rssEnd.toFixed(1),
      rssSlopeMbPerMinute: +slope(steady).toFixed(3),
    };
    console.log(JSON.stringify(report, null, 2));
    if (values.json)
      writeFileSync(values.json, JSON.stringify(report, null, 2));
    process.exitCode = lost === 0 && duplicated === 0 ? 0 : 1;
  } finally {
    for (const client of clients) client.close();
    await server.stop().catch(() => server.kill());
    server.remove();
  }
}

void main();
