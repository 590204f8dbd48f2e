/**
 * `npm run bench:ui [-- --users 5000 --messages 10000 --web dist/apps/web/browser --trace dir]`
 *
 * The web client in a large room: the built server (loopback limits lifted), one Chromium page
 * logged in as `reader`, `--messages` public messages sent live, then `--users` real clients
 * (full handshake and login) joining. Then, in the page: the history scrolled from the newest
 * entry to the oldest and the user list from top to bottom by mouse wheel, and new messages
 * arriving at the bottom. Prints frame intervals (requestAnimationFrame) and the main thread's
 * time by kind (Chrome's own counters: script, layout, style) for each; `--trace` also writes
 * Chrome's performance trace of each part, to open in DevTools. Asserts nothing.
 *
 * The messages come before the crowd: every public message goes to everyone in the room, and
 * 10,000 messages to 5,000 load clients would measure the load generator, not the page. The
 * CPU of the generator (this process) and of the server is printed beside each part: the page
 * shares the machine's cores with them.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ChatClient } from '@app/testing';
import type { Browser, CDPSession, Page } from 'playwright-core';

import {
  launchBrowser,
  login,
  openChat,
} from '../../apps/web-e2e/src/support/browser';
import { processStats, startLoadServer } from '../load/load-server';

const ROOT = resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Part {
  /** CPU % of one core: this process (the load generator) and the server. */
  generatorCpu: number;
  serverCpu: number;
  frames: number[];
  metrics: Record<string, number>;
  seconds: number;
}

/** Chrome's main-thread counters (seconds so far), as DevTools' Performance panel sums them. */
async function counters(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Runs `act` while the page records every frame's interval and Chrome its trace. */
async function measure(
  browser: Browser,
  page: Page,
  cdp: CDPSession,
  serverPid: number,
  name: string,
  traceDir: string | undefined,
  act: () => Promise<void>,
): Promise<Part> {
  // a string, not a function: tsx's helpers (named functions) do not exist in the page
  await page.evaluate(`(() => {
    window.frames_ = [];
    window.recording_ = true;
    let last = performance.now();
    const tick = (now) => {
      window.frames_.push(now - last);
      last = now;
      if (window.recording_) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  if (traceDir)
    await browser.startTracing(page, {
      path: join(traceDir, `${name}.json`),
      screenshots: false,
    });
  const before = await counters(cdp);
  const started = performance.now();
  const ownCpu = process.cpuUsage();
  const serverCpu = processStats(serverPid).cpu;
  await act();
  const seconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownCpu);
  const generatorCpu = (own.user + own.system) / 1e4 / seconds;
  const serverPercent =
    ((processStats(serverPid).cpu - serverCpu) * 100) / seconds;
  const after = await counters(cdp);
  if (traceDir) await browser.stopTracing();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; recording_: boolean };
    w.recording_ = false;
    return w.frames_.slice(1);
  });
  const metrics: Record<string, number> = {};
  for (const key of [
    'TaskDuration',
    'ScriptDuration',
    'LayoutDuration',
    'RecalcStyleDuration',
  ])
    metrics[key] = (after[key] - before[key]) * 1000;
  metrics['Elements'] = await page.evaluate(
    () => document.querySelectorAll('*').length,
  );
  return {
    frames,
    metrics,
    seconds,
    generatorCpu,
    serverCpu: serverPercent,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function report(
  name: string,
  part: Part,
  per?: { count: number; what: string; idle: Part },
): void {
  const sorted = [...part.frames].sort((a, b) => a - b);
  const ms = (n: number) => n.toFixed(1);
  const m = part.metrics;
  console.log(
    `${name}: ${sorted.length} frames in ${part.seconds.toFixed(1)} s; interval p50 ${ms(percentile(sorted, 0.5))} / p95 ${ms(percentile(sorted, 0.95))} / max ${ms(sorted.at(-1) ?? 0)} ms; ` +
      `over 33 ms: ${sorted.filter((f) => f > 33.4).length}; generator CPU ${part.generatorCpu.toFixed(0)} %, server CPU ${part.serverCpu.toFixed(0)} %`,
  );
  console.log(
    `  main thread ${ms(m['TaskDuration'])} ms (script ${ms(m['ScriptDuration'])}, layout ${ms(m['LayoutDuration'])}, style ${ms(m['RecalcStyleDuration'])}), ` +
      `${m['Elements'].toLocaleString()} elements in the page` +
      (per
        ? `; per ${per.what} (less the idle page's): ${ms((m['TaskDuration'] - per.idle.metrics['TaskDuration']) / per.count)} ms ` +
          `(script ${ms((m['ScriptDuration'] - per.idle.metrics['ScriptDuration']) / per.count)})`
        : ''),
  );
}

/** Wheels over the element with test id `testId` until it reaches its end (or `steps` run out). */
async function wheelThrough(
  page: Page,
  testId: string,
  deltaY: number,
  steps: number,
): Promise<number> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  let done = 0;
  for (; done < steps; done++) {
    await page.mouse.wheel(0, deltaY);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    const atEnd = await page
      .getByTestId(testId)
      .evaluate(
        (el, down) =>
          down
            ? el.scrollHeight - el.scrollTop - el.clientHeight < 1
            : el.scrollTop < 1,
        deltaY > 0,
      );
    if (atEnd) break;
  }
  return done;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '5000' },
      messages: { type: 'string', default: '10000' },
      web: { type: 'string', default: 'dist/apps/web/browser' },
      trace: { type: 'string' },
    },
  });
  const users = Number(values.users);
  const messages = Number(values.messages);
  const server = await startLoadServer(undefined, {
    env: {
      WEB_ROOT: resolve(ROOT, values.web),
      RATE_EVENTS_PER_SECOND: '100000',
      RATE_EVENTS_BURST: '100000',
    },
  });
  const browser = await launchBrowser();
  const crowd: ChatClient[] = [];
  try {
    const reader = await openChat(browser, server.url);
    const { page } = reader;
    await page.setViewportSize({ width: 1280, height: 800 });
    await login(reader, 'reader');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    let started = performance.now();
    const talker = await ChatClient.login(server.url, 'talker', {
      keep: false,
    });
    crowd.push(talker);
    for (let i = 0; i < messages; i++) {
      talker.say(
        `message ${i + 1} of ${messages}: the quick brown fox jumps over the lazy dog`,
      );
      if (i % 200 === 199) await sleep(50);
    }
    await page
      .getByTestId('message')
      .filter({ hasText: `message ${messages} of ${messages}:` })
      .waitFor({ timeout: 600_000 });
    console.log(
      `${messages.toLocaleString()} messages shown in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // following the newest, new messages arrive one by one (before the crowd joins: with 5,000
    // load clients in the room, each message would cost the generator more than the page)
    await sleep(1000);
    // the same five seconds with nothing arriving: what the frame recorder and the page cost alone
    const idle = await measure(
      browser,
      page,
      cdp,
      server.pid,
      'idle',
      undefined,
      async () => {
        await sleep(5000);
      },
    );
    report('idle', idle);
    const arrivals = 50;
    const live = await measure(
      browser,
      page,
      cdp,
      server.pid,
      'live-messages',
      values.trace,
      async () => {
        for (let i = 0; i < arrivals; i++) {
          talker.say(`live ${i}`);
          await sleep(100);
        }
        await page
          .getByTestId('message')
          .filter({ hasText: `live ${arrivals - 1}` })
          .waitFor();
      },
    );
    await page
      .getByTestId('message')
      .filter({ hasText: `live ${arrivals - 1}` })
      .waitFor();
    report('new messages at 10/s', live, {
      count: arrivals,
      what: 'message',
      idle,
    });
    started = performance.now();
    for (let i = 0; i < users; i += 50) {
      const batch = Math.min(50, users - i);
      crowd.push(
        ...(await Promise.all(
          Array.from({ length: batch }, (_, j) =>
            ChatClient.login(
              server.url,
              `user${String(i + j).padStart(5, '0')}`,
              {
                keep: false,
              },
            ),
          ),
        )),
      );
    }
    await page.getByText(`Online (${users + 2})`).waitFor({ timeout: 600_000 });
    const entries = await page
      .getByTestId('message-list')
      .evaluate((el) => el.querySelectorAll('[data-testid="message"]').length);
    console.log(
      `${users.toLocaleString()} users joined in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `server RSS ${processStats(server.pid).rssMb.toFixed(0)} MB; ${entries} entries rendered of the history`,
    );
    await sleep(2000);

    const scrollUp = await measure(
      browser,
      page,
      cdp,
      server.pid,
      'history-scroll',
      values.trace,
      async () => {
        const steps = await wheelThrough(page, 'message-list', -400, 2000);
        console.log(
          `history: ${steps} wheel steps of 400 px from the newest to the oldest`,
        );
      },
    );
    report('history scroll', scrollUp);

    const userScroll = await measure(
      browser,
      page,
      cdp,
      server.pid,
      'user-list-scroll',
      values.trace,
      async () => {
        const steps = await wheelThrough(page, 'user-list', 400, 2000);
        console.log(
          `user list: ${steps} wheel steps of 400 px from the top to the bottom`,
        );
      },
    );
    report('user list scroll', userScroll);

    if (values.trace)
      writeFileSync(
        join(values.trace, 'README'),
        'Open each .json in Chrome DevTools > Performance > Load profile.\n',
      );
  } finally {
    crowd.forEach((c) => c.close());
    await browser.close();
    await server.stop().catch(() => server.kill());
    server.remove();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
