import {
  type ChatPage,
  login,
  readVault,
  sendMessage,
  writeVault,
} from './support/browser';
import { useBrowserRoom } from './support/browser-room';
import { ADMIN_TOKEN } from '@app/testing';

/** E60 in a real browser: the page's identity key owns the names it logs in with. */
describe('identity keys in the browser', () => {
  const room = useBrowserRoom();

  it('a browser keeps a non-extractable identity key; another browser cannot take its name, it can after an admin release', async () => {
    const owner = await room.open();
    await login(owner, 'quinn');
    // the key is in IndexedDB, as a CryptoKey whose private half no script can read out
    const stored = await owner.page.evaluate(
      () =>
        new Promise<{ extractable: boolean; type: string; curve: string }>(
          (done, fail) => {
            const opening = indexedDB.open('fuv-chat');
            opening.onerror = () => fail(opening.error);
            opening.onsuccess = () => {
              const read = opening.result
                .transaction('vault')
                .objectStore('vault')
                .get('identity');
              read.onsuccess = () => {
                const key = read.result.privateKey as CryptoKey;
                done({
                  extractable: key.extractable,
                  type: key.type,
                  curve: (key.algorithm as EcKeyAlgorithm).namedCurve,
                });
              };
            };
          },
        ),
    );
    expect(stored).toEqual({
      extractable: false,
      type: 'private',
      curve: 'P-256',
    });
    await owner.page.getByTestId('logout-button').click();
    await owner.page.getByTestId('username-input').waitFor();

    // another browser (its own profile, its own key) asks for the name
    const other = await room.open();
    await other.page.getByTestId('username-input').fill('Quinn');
    await other.page.getByTestId('login-button').click();
    await other.page
      .getByTestId('notice')
      .filter({ hasText: "belongs to another browser's identity key" })
      .waitFor();
    expect(await other.page.getByTestId('username-input').isVisible()).toBe(
      true,
    );

    // the owner's browser, after a reload, still holds the key and gets its name back
    await owner.page.reload();
    await login(owner, 'quinn');
    await owner.page.getByTestId('logout-button').click();
    await owner.page.getByTestId('username-input').waitFor();

    // an administrator releases the name: the other browser may now have it
    await release('quinn');
    await other.page.getByTestId('login-button').click();
    await other.page.getByTestId('message-list').waitFor();
    // and the first browser is the one refused now
    await owner.page.getByTestId('username-input').fill('quinn');
    await owner.page.getByTestId('login-button').click();
    await owner.page
      .getByTestId('notice')
      .filter({ hasText: 'taken' })
      .waitFor();
  });

  async function release(name: string): Promise<void> {
    const response = await fetch(
      `${room.server.url}/api/admin/users/${name}/release`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    expect(response.status).toBe(200);
  }

  async function choose(chat: ChatPage, name: string): Promise<void> {
    await chat.page.getByTestId('user-item').filter({ hasText: name }).click();
    await chat.page.getByTestId('verify-button').waitFor();
  }

  async function safetyNumberSeenBy(chat: ChatPage): Promise<string> {
    await chat.page.getByTestId('verify-button').click();
    const number = chat.page.getByTestId('safety-number');
    await number.waitFor();
    return (await number.textContent())?.trim() ?? '';
  }

  it('both sides see the same safety number; after a release, the verified contact’s new key blocks sending until accepted (E58)', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await login(alice, 'ava');
    await login(bob, 'ben');
    await choose(alice, 'ben');
    await choose(bob, 'ava');
    const atAlice = await safetyNumberSeenBy(alice);
    const atBob = await safetyNumberSeenBy(bob);
    expect(atAlice).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(atBob).toBe(atAlice);
    await expect(alice.page.locator('svg.qr path').count()).resolves.toBe(1);
    await alice.page.getByTestId('mark-verified').click();
    await alice.page.getByText('✔ Verified').waitFor();
    await bob.page.keyboard.press('Escape');

    // ben's name is released and taken by a new browser: a new key in the log
    await release('ben');
    await bob.page.getByTestId('username-input').waitFor();
    const newBen = await room.open();
    await login(newBen, 'ben');
    // ben left alice's conversation; she opens it again
    await choose(alice, 'ben');
    const change = alice.page.getByTestId('key-change');
    await change.waitFor();
    expect(await change.textContent()).toContain('blocked');
    // the new safety number differs from the one verified
    expect(await safetyNumberSeenBy(alice)).not.toBe(atAlice);
    await alice.page.keyboard.press('Escape');

    await sendMessage(alice, 'are you still you?');
    await alice.page
      .getByTestId('notice')
      .filter({ hasText: 'Nothing was sent' })
      .waitFor();
    await alice.page
      .getByRole('button', { name: 'Accept the new key' })
      .click();
    await change.waitFor({ state: 'detached' });
    await alice.page.getByText('Not verified').waitFor();
    await sendMessage(alice, 'welcome back, new browser');
    await newBen.page
      .getByTestId('message')
      .filter({ hasText: 'welcome back, new browser' })
      .waitFor();
    expect(
      await newBen.page
        .getByTestId('message')
        .filter({ hasText: 'are you still you?' })
        .count(),
    ).toBe(0);
  });

  it('a kept key-log head the server contradicts is kept as evidence and the user warned (E57)', async () => {
    const viewer = await room.open();
    const other = await room.open();
    await login(viewer, 'vera');
    await login(other, 'otto');
    // the browser checked its own name at login and kept the signed head it saw
    const keptHead = () =>
      readVault<{ size: number; rootHash: string }>(viewer, 'key-log:head');
    let head = await keptHead();
    for (let i = 0; i < 50 && !head; i++) {
      await viewer.page.waitForTimeout(100);
      head = await keptHead();
    }
    expect(head?.size).toBeGreaterThanOrEqual(1);
    // as if the server had shown this browser another history before
    await writeVault(viewer, 'key-log:head', {
      ...head,
      rootHash: 'ab'.repeat(32),
    });
    await viewer.page
      .getByTestId('user-item')
      .filter({ hasText: 'otto' })
      .click();
    await viewer.page
      .getByTestId('notice')
      .filter({ hasText: 'contradicts the one it showed before' })
      .waitFor();
    const evidence = await readVault<unknown[]>(viewer, 'key-log:evidence');
    expect(evidence).toHaveLength(1);
    // fail closed: without a proven key there is nothing to verify against
    await viewer.page.getByText('could not be proven in the key log').waitFor();
    expect(await viewer.page.getByTestId('verify-button').count()).toBe(0);
  });

  it('the admin page shows the key log and releases a name from it', async () => {
    const wren = await room.open();
    await login(wren, 'wren');
    const admin = await room.open('/admin');
    await admin.page.getByTestId('admin-token-input').fill(ADMIN_TOKEN);
    await admin.page.getByTestId('admin-login-button').click();
    await admin.page.getByTestId('key-log-head').waitFor();
    const bound = admin.page
      .getByTestId('key-log-row')
      .filter({ hasText: 'wren' })
      .filter({ hasText: 'bind' });
    await bound.waitFor();
    await bound.getByRole('button', { name: 'Release' }).click();
    await admin.page
      .getByTestId('key-log-row')
      .filter({ hasText: 'wren' })
      .filter({ hasText: 'release' })
      .first()
      .waitFor();
    await wren.page
      .getByTestId('notice')
      .filter({ hasText: 'released your name' })
      .waitFor();
  });
});
