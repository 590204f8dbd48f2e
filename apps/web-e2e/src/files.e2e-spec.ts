import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { ADMIN_TOKEN } from '@app/testing';

import { login } from './support/browser';
import { useBrowserRoom } from './support/browser-room';

const sha256 = (bytes: Uint8Array) =>
  createHash('sha256').update(bytes).digest('hex');

describe('file sharing in a real browser', () => {
  const room = useBrowserRoom();

  it('sends a file through the real file chooser; the other accepts and saves exactly the same bytes', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await login(alice, 'alice');
    await login(bob, 'bob');
    await alice.page
      .getByTestId('user-item')
      .filter({ hasText: 'bob' })
      .waitFor();
    const bytes = randomBytes(3 * 1024 * 1024 + 123);

    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByTestId('file-button').click();
    await (
      await chooser
    ).setFiles({
      name: 'report <final>.pdf',
      mimeType: 'application/pdf',
      buffer: bytes,
    });

    const offer = bob.page
      .getByTestId('file-offer')
      .filter({ hasText: 'report _final_.pdf' });
    await offer.waitFor({ timeout: 45_000 });
    expect(await offer.textContent()).toContain('from alice');
    await offer.getByTestId('file-accept').click();

    const save = bob.page.getByTestId('file-download');
    await save.waitFor({ timeout: 45_000 });
    const sent = alice.page.getByTestId('file-sent');
    await sent
      .getByTestId('file-answers')
      .filter({ hasText: 'bob accepted' })
      .waitFor();
    const downloading = bob.page.waitForEvent('download');
    await save.click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe('report _final_.pdf');
    const saved = readFileSync(await file.path());
    expect(sha256(saved)).toBe(sha256(bytes));
    expect(saved.equals(bytes)).toBe(true);
  });

  it('E55: a private file travels end to end: both cards marked, only sealed chunks on the server, the same bytes saved', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await login(alice, 'iris');
    await login(bob, 'jack');
    await alice.page
      .getByTestId('user-item')
      .filter({ hasText: 'jack' })
      .click();
    const marker = 'PLAINTEXT-OF-THE-PRIVATE-FILE ';
    const bytes = Buffer.from(marker.repeat(40_000));
    await alice.page.getByTestId('file-input').setInputFiles({
      name: 'private-plans.txt',
      mimeType: 'text/plain',
      buffer: bytes,
    });
    const offer = bob.page
      .getByTestId('file-offer')
      .filter({ hasText: 'private-plans.txt' });
    await offer.waitFor({ timeout: 45_000 });
    await offer.getByTestId('e2ee-badge').waitFor();
    await alice.page
      .getByTestId('file-sent')
      .getByTestId('e2ee-badge')
      .waitFor();
    // offered and waiting on the server: boxes only, neither content nor name readable
    const dir = join(room.server.dir, 'files');
    const chunks = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((path) => path.endsWith('.chunk'));
    expect(chunks.length).toBeGreaterThan(0);
    for (const path of chunks)
      expect(readFileSync(join(dir, path)).toString('latin1')).not.toContain(
        'PLAINTEXT-OF',
      );
    const logs = await fetch(`${room.server.url}/api/admin/logs?limit=200`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await logs.text()).not.toContain('private-plans');

    await offer.getByTestId('file-accept').click();
    const save = bob.page.getByTestId('file-download');
    await save.waitFor({ timeout: 45_000 });
    const downloading = bob.page.waitForEvent('download');
    await save.click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe('private-plans.txt');
    expect(readFileSync(await file.path()).equals(bytes)).toBe(true);
  });

  it('shows progress bars on both sides that end at 100', async () => {
    const carol = await room.open();
    const dave = await room.open();
    await login(carol, 'carol');
    await login(dave, 'dave');
    await carol.page
      .getByTestId('user-item')
      .filter({ hasText: 'dave' })
      .waitFor();
    const bytes = randomBytes(8 * 1024 * 1024);
    await carol.page.getByTestId('file-input').setInputFiles({
      name: 'big.bin',
      mimeType: 'application/octet-stream',
      buffer: bytes,
    });

    const valueOf = (page: typeof carol.page) =>
      page
        .getByTestId('file-progress')
        .getAttribute('aria-valuenow')
        .then(Number);
    const reaches100 = (page: typeof carol.page) =>
      page.waitForFunction(
        () =>
          document
            .querySelector('[data-testid="file-progress"]')
            ?.getAttribute('aria-valuenow') === '100',
        null,
        { timeout: 45_000 },
      );

    await carol.page.getByTestId('file-progress').waitFor();
    await reaches100(carol.page);
    expect(await carol.page.getByTestId('file-sent').textContent()).toContain(
      'Verified by the server',
    );

    await dave.page.getByTestId('file-accept').click();
    await dave.page.getByTestId('file-progress').waitFor();
    await reaches100(dave.page);
    expect(await valueOf(dave.page)).toBe(100);
    await dave.page.getByTestId('file-download').waitFor();
  });

  it('a rejected offer streams nothing and the sender sees it', async () => {
    const erin = await room.open();
    const frank = await room.open();
    await login(erin, 'erin');
    await login(frank, 'frank');
    await erin.page
      .getByTestId('user-item')
      .filter({ hasText: 'frank' })
      .click();
    await erin.page.getByTestId('file-input').setInputFiles({
      name: 'nope.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('no thanks'),
    });
    await frank.page
      .getByTestId('file-offer')
      .getByTestId('file-reject')
      .click();
    await erin.page
      .getByTestId('file-answers')
      .filter({ hasText: 'frank rejected' })
      .waitFor();
    expect(await frank.page.getByTestId('file-download').count()).toBe(0);
    await frank.page
      .getByTestId('file-offer')
      .filter({ hasText: 'You rejected this file.' })
      .waitFor();
  });

  it('a file over 20 MB is refused before a byte is sent, with a notice', async () => {
    const gina = await room.open();
    const hank = await room.open();
    await login(gina, 'gina');
    await login(hank, 'hank');
    await gina.page.getByTestId('file-input').setInputFiles({
      name: 'huge.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(20 * 1024 * 1024 + 1),
    });
    await gina.page
      .getByTestId('notice')
      .filter({ hasText: 'the limit is 20 MB' })
      .waitFor();
    expect(await gina.page.getByTestId('file-sent').count()).toBe(0);
    expect(await hank.page.getByTestId('file-offer').count()).toBe(0);
  });

  it('files dropped on the chat or pasted into the box go out like chosen ones; a received PNG shows inline once verified, an SVG named .png does not', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await login(alice, 'ava');
    await login(bob, 'bea');
    await alice.page
      .getByTestId('user-item')
      .filter({ hasText: 'bea' })
      .waitFor();
    // a 1×1 PNG, and an SVG that calls itself a PNG
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const transfer = (name: string, bytes: Buffer) =>
      alice.page.evaluateHandle(
        ([name, data]) => {
          const dt = new DataTransfer();
          dt.items.add(
            new File([new Uint8Array(data)], name, { type: 'image/png' }),
          );
          return dt;
        },
        [name, [...bytes]] as [string, number[]],
      );

    const dropped = await transfer('dot.png', png);
    await alice.page.dispatchEvent('[data-testid="message-list"]', 'dragover', {
      dataTransfer: dropped,
    });
    await alice.page.getByText('Drop to send to everyone').waitFor();
    await alice.page.dispatchEvent('[data-testid="message-list"]', 'drop', {
      dataTransfer: dropped,
    });
    const dotOffer = bob.page
      .getByTestId('file-offer')
      .filter({ hasText: 'dot.png' });
    await dotOffer.getByTestId('file-accept').click();
    const preview = bob.page.getByTestId('file-preview');
    await preview.waitFor();
    // decoded by the browser: a real image of one pixel
    await bob.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(
        '[data-testid="file-preview"]',
      );
      return img?.complete && img.naturalWidth === 1;
    });

    const pasted = await transfer('fake.png', svg);
    await alice.page.getByTestId('message-input').evaluate(
      (box, dt) =>
        box.dispatchEvent(
          new ClipboardEvent('paste', {
            clipboardData: dt,
            bubbles: true,
            cancelable: true,
          }),
        ),
      pasted,
    );
    const fakeOffer = bob.page
      .getByTestId('file-offer')
      .filter({ hasText: 'fake.png' });
    await fakeOffer.getByTestId('file-accept').click();
    await bob.page.getByTestId('file-download').nth(1).waitFor();
    expect(await bob.page.getByTestId('file-preview').count()).toBe(1);
    // the box kept no text from the paste
    expect(await alice.page.getByTestId('message-input').inputValue()).toBe('');
  });
});
