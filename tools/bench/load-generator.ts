/**
 * The bench's load generator: clients spread over worker threads (load-worker.ts), so the
 * generator has more than one core's worth of event loop and its figures describe the server.
 * Consecutive clients share a thread (a private pair stays together); each thread sends for its
 * own senders on one absolute schedule and reports its event-loop utilisation for the window.
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

import type { ClientSpec } from './load-clients';
import type { Command, ReplyTo, SenderLoop } from './load-protocol';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many threads by default: one per core (the main thread only coordinates). */
export const DEFAULT_THREADS = Math.max(1, cpus().length);

/** The generator's own load over a phase: is it, rather than the server, the bottleneck? */
export interface GeneratorLoad {
  /** Its CPU (all threads) as a percentage of one core. */
  cpuPercent: number;
  /** The busiest thread's event-loop utilisation, in percent. */
  busiestThreadPercent: number;
}

/** What one load window gave, summed over the threads. */
export interface Window extends GeneratorLoad {
  sent: number;
  expected: Map<string, number>;
  /** Copies received by the end of the window. */
  deliveredDuringLoad: number;
  loadSeconds: number;
}

class LoadThread {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve(reply: unknown): void; reject(error: Error): void }
  >();

  constructor(spec: ClientSpec) {
    // the worker compiles TypeScript as the bench does (tsx; the path aliases come from the
    // TSX_TSCONFIG_PATH that `tsx --tsconfig` put in the environment it inherits)
    this.worker = new Worker(
      `require('tsx/cjs/api').register(); require(${JSON.stringify(require.resolve('./load-worker.ts'))});`,
      { eval: true, workerData: { spec } },
    );
    this.worker.on(
      'message',
      (message: { id: number; reply?: unknown; error?: string }) => {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined)
          waiting?.reject(new Error(message.error));
        else waiting?.resolve(message.reply);
      },
    );
    this.worker.on('error', (error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
  }

  ask<C extends Command>(command: C): Promise<ReplyTo<C>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (reply: unknown) => void,
        reject,
      });
      this.worker.postMessage({ id, command });
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

export class LoadGenerator {
  private readonly threads: LoadThread[];
  /** The thread of each client index. */
  private owner: number[] = [];

  constructor(spec: ClientSpec, threads = DEFAULT_THREADS) {
    this.threads = Array.from(
      { length: Math.max(1, threads) },
      () => new LoadThread(spec),
    );
  }

  /**
   * Clients from…from+count-1 (named u<index>) log in, `batch` at a time in each thread; pairs
   * (2p, 2p+1) share one.
   */
  async connect(
    count: number,
    batch: number,
    from = 0,
  ): Promise<GeneratorLoad> {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const perThread = 2 * Math.ceil(count / 2 / this.threads.length);
    this.owner = Array.from({ length: from + count }, (_, i) =>
      i < from ? -1 : Math.floor((i - from) / perThread),
    );
    const replies = await Promise.all(
      this.threads.map((thread, t) =>
        thread.ask({
          op: 'connect',
          indices: this.owner.flatMap((owner, i) => (owner === t ? [i] : [])),
          batch,
        }),
      ),
    );
    return generatorLoad(
      process.cpuUsage(cpuBefore),
      (performance.now() - started) / 1000,
      replies.map((r) => r.busy),
    );
  }

  /** End to end: each pair founds its conversation before the clock starts. */
  async found(pairs: [number, number][]): Promise<void> {
    await Promise.all(
      this.threads.map((thread, t) =>
        thread.ask({
          op: 'found',
          pairs: pairs.filter(([from]) => this.owner[from] === t),
        }),
      ),
    );
  }

  /** Waits (bounded) until no copy has arrived for a second: a backlog would delay the next phase. */
  async quiet(boundMs: number): Promise<void> {
    const by = performance.now() + boundMs;
    while (performance.now() < by) {
      const counts = await this.each({ op: 'count' });
      const last = Math.max(...counts.map((c) => c.lastArrival));
      if (performance.timeOrigin + performance.now() - last >= 1000) return;
      await sleep(100);
    }
  }

  /** Every thread's senders for `seconds` from one instant, starting a new phase. */
  async drive(
    phase: string,
    loops: SenderLoop[],
    seconds: number,
  ): Promise<Window> {
    await this.each({ op: 'phase', phase });
    const startAt = performance.timeOrigin + performance.now() + 200;
    const cpuBefore = process.cpuUsage();
    const replies = await Promise.all(
      this.threads.map((thread, t) =>
        thread.ask({
          op: 'drive',
          startAt,
          seconds,
          loops: loops.filter((l) => this.owner[l.client] === t),
        }),
      ),
    );
    const loadSeconds =
      (performance.timeOrigin + performance.now() - startAt) / 1000;
    return {
      sent: replies.reduce((sum, r) => sum + r.sent, 0),
      expected: new Map(replies.flatMap((r) => r.expected)),
      deliveredDuringLoad: replies.reduce((sum, r) => sum + r.deliveries, 0),
      loadSeconds,
      ...generatorLoad(
        process.cpuUsage(cpuBefore),
        loadSeconds,
        replies.map((r) => r.busy),
      ),
    };
  }

  /** Copies received in this phase so far, over all threads. */
  async deliveries(): Promise<number> {
    const counts = await this.each({ op: 'count' });
    return counts.reduce((sum, c) => sum + c.deliveries, 0);
  }

  /** Copies per message key and every latency of this phase. */
  async collect(): Promise<{
    received: Map<string, number>;
    latencies: number[];
  }> {
    const received = new Map<string, number>();
    const latencies: number[] = [];
    for (const reply of await this.each({ op: 'collect' })) {
      for (const [key, copies] of reply.received)
        received.set(key, (received.get(key) ?? 0) + copies);
      for (const latency of reply.latencies) latencies.push(latency);
    }
    return { received, latencies };
  }

  async stop(): Promise<void> {
    await this.each({ op: 'close' }).catch(() => undefined);
    await Promise.all(this.threads.map((thread) => thread.stop()));
  }

  private each<C extends Command>(command: C): Promise<ReplyTo<C>[]> {
    return Promise.all(this.threads.map((thread) => thread.ask(command)));
  }
}

function generatorLoad(
  cpu: NodeJS.CpuUsage,
  seconds: number,
  busy: number[],
): GeneratorLoad {
  return {
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
    busiestThreadPercent: Math.round(Math.max(...busy) * 100),
  };
}
