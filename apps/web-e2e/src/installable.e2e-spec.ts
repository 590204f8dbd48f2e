import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startBuiltServer } from '@app/testing';

import { login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';

const WEB_ROOT = resolve(__dirname, '../../../dist/apps/web/browser');

interface Manifest {
  name: string;
  start_url: string;
  display: string;
  icons: { src: string; sizes: string; type: string }[];
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('an installable client: web app manifest and service worker', () => {
  const room = useBrowserRoom();

  it('index.html links a manifest with a name, start_url, standalone display and icons of 192 and 512 px', async () => {
    const html = await (await fetch(room.server.url)).text();
    const href = /<link rel="manifest" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    const response = await fetch(`${room.server.url}/${href}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/json/);
    const manifest = (await response.json()) as Manifest;
    expect(manifest).toMatchObject({
      name: 'FUV Secure Chat',
      start_url: '/',
      display: 'standalone',
    });
    const sizes: string[] = [];
    for (const icon of manifest.icons.filter((i) => i.type === 'image/png')) {
      const bytes = Buffer.from(
        await (await fetch(`${room.server.url}/${icon.src}`)).arrayBuffer(),
      );
      expect(pngSize(bytes)).toBe(icon.sizes);
      sizes.push(icon.sizes);
    }
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  });

  it('a service worker controls the page once it is reloaded; the chat still talks to the server live, and nothing of the API or the socket is cached', async () => {
    const chat = await room.open();
    const { page } = chat;
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    expect(
      await page.evaluate(() => navigator.serviceWorker.controller !== null),
    ).toBe(true);
    await login(chat, 'installed');
    await sendMessage(chat, 'through the service worker');
    await page
      .getByTestId('message')
      .filter({ hasText: 'through the service worker' })
      .waitFor();

    // what the worker may cache: the app shell's files, never the API or Socket.IO
    const ngsw = (await (
      await fetch(`${room.server.url}/ngsw.json`)
    ).json()) as {
      assetGroups: { urls: string[] }[];
      dataGroups?: unknown[];
      navigationUrls: { positive: boolean; regex: string }[];
    };
    expect(ngsw.dataGroups ?? []).toEqual([]);
    const cached = ngsw.assetGroups.flatMap((g) => g.urls);
    expect(cached).toContain('/index.html');
    expect(cached.filter((url) => /^\/(api|socket\.io)\b/.test(url))).toEqual(
      [],
    );
    // the caches hold only those files
    const held = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys())
        for (const request of await (await caches.open(name)).keys())
          urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(held.length).toBeGreaterThan(0);
    expect(held.filter((url) => /^\/(api|socket\.io)\b/.test(url))).toEqual([]);
  });

  it('a new build served is fetched by the worker, and the page says it is used from the next load', async () => {
    const web = mkdtempSync(join(tmpdir(), 'fuv-web-update-'));
    cpSync(WEB_ROOT, web, { recursive: true });
    const server = await startBuiltServer({ env: { WEB_ROOT: web } });
    try {
      const chat = await room.open(server.url);
      const { page } = chat;
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.reload();
      await page.getByTestId('username-input').waitFor();

      // a new build: one file changed, its hash in the worker's manifest with it
      const icon = join(web, 'favicon.svg');
      const changed = readFileSync(icon, 'utf8').replace('#1d4ed8', '#1e40af');
      writeFileSync(icon, changed);
      const manifestPath = join(web, 'ngsw.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        timestamp: number;
        hashTable: Record<string, string>;
      };
      manifest.hashTable['/favicon.svg'] = createHash('sha1')
        .update(changed)
        .digest('hex');
      manifest.timestamp = Date.now();
      writeFileSync(manifestPath, JSON.stringify(manifest));

      await page.reload();
      await page
        .getByTestId('notice')
        .filter({ hasText: /new version of the chat is ready/ })
        .waitFor({ timeout: 20_000 });
    } finally {
      await server.stop();
      server.remove();
      rmSync(web, { recursive: true, force: true });
    }
  });
});
