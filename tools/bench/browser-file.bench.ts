/**
 * `npm run bench:file [-- --mb 20 --runs 3 --root ../other-checkout]`
 *
 * A private file of random bytes from one Chromium page to another through the built server,
 * timed as people see it: from choosing the file to the recipient's verified Save link (the
 * recipient accepts as soon as the offer shows). Each run is a fresh file between the same two pages. `--root` runs
 * another checkout's build instead (built with `nx run-many -t build -p api web`), to compare
 * two versions on the same machine in the same hour. Prints seconds per run and the median;
 * asserts nothing.
 */
import { parseArgs } from 'node:util';

import { startBuiltServer } from '@app/testing';

import {
  launchBrowser,
  login,
  openChat,
} from '../../apps/web-e2e/src/support/browser';
import { processStats } from '../load/load-server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '20' },
      runs: { type: 'string', default: '3' },
      root: { type: 'string' },
    },
  });
  const bytes = Number(values.mb) * 1024 * 1024;
  const server = await startBuiltServer({ root: values.root });
  const browser = await launchBrowser();
  try {
    const alice = await openChat(browser, server.url);
    const bob = await openChat(browser, server.url);
    await login(alice, 'alice');
    await login(bob, 'bob');
    await alice.page
      .getByTestId('user-item')
      .filter({ hasText: 'bob' })
      .click();
    const seconds: number[] = [];
    for (let run = 1; run <= Number(values.runs); run++) {
      const name = `run-${run}.bin`;
      // made in the page: handing 20 MB over the DevTools protocol would take seconds itself
      await alice.page.evaluate(
        ({ size, name }) => {
          const bytes = new Uint8Array(size);
          for (let at = 0; at < size; at += 65536)
            crypto.getRandomValues(bytes.subarray(at, at + 65536));
          (window as unknown as { benchFile: File }).benchFile = new File(
            [bytes],
            name,
            { type: 'application/octet-stream' },
          );
        },
        { size: bytes, name },
      );
      const cpuBefore = processStats(server.pid).cpu;
      const started = performance.now();
      await alice.page.evaluate(() => {
        const input = document.querySelector<HTMLInputElement>(
          '[data-testid="file-input"]',
        );
        const chosen = new DataTransfer();
        chosen.items.add((window as unknown as { benchFile: File }).benchFile);
        if (!input) throw new Error('no file input');
        input.files = chosen.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
      const offer = bob.page
        .getByTestId('file-offer')
        .filter({ hasText: name });
      await offer.getByTestId('file-accept').click({ timeout: 120_000 });
      const uploaded = (performance.now() - started) / 1000;
      await offer.getByTestId('file-download').waitFor({ timeout: 120_000 });
      const elapsed = (performance.now() - started) / 1000;
      const serverCpu = processStats(server.pid).cpu - cpuBefore;
      seconds.push(elapsed);
      console.log(
        `run ${run}: offered after ${uploaded.toFixed(2)} s, saved after ${elapsed.toFixed(2)} s (${(bytes / 1048576 / elapsed).toFixed(1)} MB/s), server CPU ${serverCpu.toFixed(2)} s`,
      );
    }
    const median = [...seconds].sort((a, b) => a - b)[
      Math.floor(seconds.length / 2)
    ];
    console.log(`median: ${median.toFixed(2)} s`);
  } finally {
    await browser.close();
    await server.stop().catch(() => server.kill());
    server.remove();
  }
}

void main();
