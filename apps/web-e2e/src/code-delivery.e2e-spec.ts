import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startBuiltServer } from '@app/testing';

import { useBrowserRoom } from './support/browser-room';

const ROOT = resolve(__dirname, '../../..');
const WEB_ROOT = join(ROOT, 'dist/apps/web/browser');

describe('code delivery: the web client as the server hands it out', () => {
  const room = useBrowserRoom();

  it('pins every script and style the page loads first with Subresource Integrity (SHA-384 of the served bytes)', async () => {
    const html = await (await fetch(room.server.url)).text();
    const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((m) => m[0]);
    const loaded = tags.filter((tag) =>
      /<script\b[^>]*\bsrc=|rel="(modulepreload|stylesheet)"/.test(tag),
    );
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    for (const tag of loaded) {
      const url = /\b(?:src|href)="([^"]+)"/.exec(tag)![1];
      const integrity = /\bintegrity="sha384-([^"]+)"/.exec(tag)?.[1];
      const body = Buffer.from(
        await (await fetch(`${room.server.url}/${url}`)).arrayBuffer(),
      );
      expect({ url, integrity }).toEqual({
        url,
        integrity: createHash('sha384').update(body).digest('base64'),
      });
    }
  });

  it('prints at start the digest of what it serves, the same as npm run build:hashes', () => {
    const printed =
      /Web client digest \(npm run build:hashes\): ([0-9a-f]{64})/.exec(
        room.server.output(),
      )?.[1];
    const tool = execFileSync(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        '--tsconfig',
        join(ROOT, 'tools/tsconfig.json'),
        join(ROOT, 'tools/build-hashes.ts'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(printed).toBeDefined();
    expect(tool).toContain(
      `web client digest (SHA-256 over the lines above): ${printed}`,
    );
  });

  it('a browser refuses a main script changed after the build (the page never starts)', async () => {
    const altered = mkdtempSync(join(tmpdir(), 'fuv-altered-web-'));
    cpSync(WEB_ROOT, altered, { recursive: true });
    const main = readdirSync(altered).find((f) => /^main-.*\.js$/.test(f))!;
    appendFileSync(join(altered, main), '\nconsole.log("injected");\n');
    const server = await startBuiltServer({ env: { WEB_ROOT: altered } });
    try {
      const chat = await room.open(server.url);
      // the browser says why it refused the script: then the app can no longer start
      for (let i = 0; i < 100; i++) {
        if (/integrity/i.test(chat.console.join('\n'))) break;
        await chat.page.waitForTimeout(100);
      }
      expect(chat.console.join('\n')).toMatch(/integrity/i);
      expect(await chat.page.locator('app-root').innerHTML()).toBe('');
      expect(chat.console).not.toContain('injected');
    } finally {
      await server.stop();
      server.remove();
      rmSync(altered, { recursive: true, force: true });
    }
  });
});
