import { login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';
import { startTcpProxy } from '@app/testing';

const CLOCK = /\(\d{2}:\d{2}:\d{2}\)/;

describe('chat in a real browser (Debian Chromium, built app served by the built server)', () => {
  const room = useBrowserRoom();
  const open = () => room.open();

  it('two people exchange public and private messages; a third sees only the public one', async () => {
    const alice = await open();
    const bob = await open();
    const carol = await open();
    await login(alice, 'alice');
    await login(bob, 'bob');
    await login(carol, 'carol');

    // everybody sees everybody in the live list
    for (const chat of [alice, bob, carol]) {
      for (const name of ['alice', 'bob', 'carol']) {
        await chat.page
          .getByTestId('user-item')
          .filter({ hasText: name })
          .waitFor();
      }
    }
    await expect(
      alice.page.getByTestId('server-fingerprint').textContent(),
    ).resolves.toMatch(/Key [0-9A-F]{4} /);

    await sendMessage(alice, 'Hello everyone 👋');
    for (const chat of [alice, bob, carol]) {
      const message = chat.page
        .getByTestId('message')
        .filter({ hasText: 'Hello everyone 👋' });
      await message.waitFor();
      expect(await message.getAttribute('data-kind')).toBe('global');
      const text = (await message.textContent()) ?? '';
      expect(text).toMatch(
        /\(Global\)\s*\(\d{2}:\d{2}:\d{2}\)\s*alice:\s*Hello everyone 👋/,
      );
      expect(await message.getByTestId('message-time').textContent()).toMatch(
        /^\d{2}:\d{2}:\d{2}$/,
      );
    }

    // select bob in the list, then type: the message is private
    await alice.page
      .getByTestId('user-item')
      .filter({ hasText: 'bob' })
      .click();
    await sendMessage(alice, 'just for bob');
    const atBob = bob.page
      .getByTestId('message')
      .filter({ hasText: 'just for bob' });
    await atBob.waitFor();
    expect(await atBob.getAttribute('data-kind')).toBe('private');
    expect(await atBob.textContent()).toMatch(
      /\(Private\)\s*\(\d{2}:\d{2}:\d{2}\)\s*alice\s*→\s*bob:\s*just for bob/,
    );
    await alice.page
      .getByTestId('message')
      .filter({ hasText: 'just for bob' })
      .waitFor();

    // /w works without a selection
    await bob.page.getByTestId('message-input').fill('/w alice whispered back');
    await bob.page.getByTestId('message-input').press('Enter');
    await alice.page
      .getByTestId('message')
      .filter({ hasText: 'whispered back' })
      .waitFor();

    await sendMessage(carol, 'carol was here');
    await alice.page
      .getByTestId('message')
      .filter({ hasText: 'carol was here' })
      .waitFor();
    const carolText =
      (await carol.page.getByTestId('message-list').textContent()) ?? '';
    expect(carolText).not.toContain('just for bob');
    expect(carolText).not.toContain('whispered back');
    expect(carolText).toMatch(CLOCK);
  });

  it('Enter sends and Shift+Enter starts a new line', async () => {
    const olga = await open();
    const paul = await open();
    await login(olga, 'olga');
    await login(paul, 'paul');
    const input = olga.page.getByTestId('message-input');
    await input.fill('first line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    expect(await input.inputValue()).toBe('first line\nsecond line');
    await input.press('Enter');
    const message = paul.page
      .getByTestId('message')
      .filter({ hasText: 'second line' });
    await message.waitFor();
    expect(await message.innerText()).toContain('first line\nsecond line');
    expect(await input.inputValue()).toBe('');
  });

  it('a duplicate username shows a notice and keeps the login form', async () => {
    const first = await open();
    await login(first, 'dana');
    const second = await open();
    await second.page.getByTestId('username-input').fill('Dana');
    await second.page.getByTestId('login-button').click();
    await expect(
      second.page
        .getByTestId('notice')
        .filter({ hasText: 'taken' })
        .textContent(),
    ).resolves.toContain('Dana');
    expect(await second.page.getByTestId('username-input').isVisible()).toBe(
      true,
    );
  });

  it('an invalid username is explained before anything is sent', async () => {
    const chat = await open();
    await chat.page.getByTestId('username-input').fill('bad name!');
    await chat.page.getByTestId('login-button').click();
    await chat.page
      .getByTestId('notice')
      .filter({ hasText: 'letters, digits' })
      .waitFor();
  });

  it('logout removes the user from the other’s list at once, with a system message', async () => {
    const erin = await open();
    const frank = await open();
    await login(erin, 'erin');
    await login(frank, 'frank');
    await erin.page
      .getByTestId('user-item')
      .filter({ hasText: 'frank' })
      .waitFor();

    await frank.page.getByTestId('logout-button').click();
    await frank.page.getByTestId('username-input').waitFor();
    await erin.page
      .getByTestId('user-item')
      .filter({ hasText: 'frank' })
      .waitFor({ state: 'detached', timeout: 2000 });
    const left = erin.page
      .getByTestId('message')
      .filter({ hasText: 'frank left the chat' });
    await left.waitFor();
    expect(await left.getAttribute('data-kind')).toBe('system');
  });

  it('closing the tab removes the user at once', async () => {
    const gina = await open();
    const hank = await open();
    await login(gina, 'gina');
    await login(hank, 'hank');
    await gina.page
      .getByTestId('user-item')
      .filter({ hasText: 'hank' })
      .waitFor();
    await hank.page.close({ runBeforeUnload: true });
    await gina.page
      .getByTestId('user-item')
      .filter({ hasText: 'hank' })
      .waitFor({ state: 'detached', timeout: 2000 });
  });

  it('P6/P54: hostile text is shown inert, and nothing secret reaches the console', async () => {
    const ivan = await open();
    const judy = await open();
    await login(ivan, 'ivan');
    await login(judy, 'judy');
    const hostile =
      '<img src=x onerror="window.__pwned=1"> \u202Eevil <b>bold</b>';
    await sendMessage(ivan, hostile);
    const shown = judy.page
      .getByTestId('message')
      .filter({ hasText: '<img src=x' });
    await shown.waitFor();
    expect(await shown.locator('img, b').count()).toBe(0);
    expect(
      await judy.page.evaluate(() => (window as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    // P54: bidi marks, the Arabic letter mark and line/paragraph separators stay inside the
    // message: its text is isolated, so they cannot reorder the sender or the time around it
    await sendMessage(ivan, 'mark\u200F\u061C after\u2028next\u200E line');
    const marked = judy.page.getByTestId('message').filter({ hasText: 'next' });
    await marked.waitFor();
    expect(
      await marked.evaluate((entry) => {
        const text = entry.querySelector('.text');
        return text ? getComputedStyle(text).unicodeBidi : undefined;
      }),
    ).toBe('isolate');
    expect(await marked.textContent()).toMatch(
      /^\s*\(Global\)\s*\(\d{2}:\d{2}:\d{2}\)\s*ivan:/,
    );
    await sendMessage(ivan, 'x'.repeat(4001));
    await ivan.page
      .getByTestId('notice')
      .filter({ hasText: 'limit is 4000' })
      .waitFor();

    // only our own origin was contacted, and the console never saw keys or message text
    for (const chat of [ivan, judy]) {
      expect(
        chat.requests.filter(
          (u) => !u.startsWith(room.server.url) && !u.startsWith('data:'),
        ),
      ).toEqual([]);
      expect(chat.console.join('\n')).not.toMatch(
        /BEGIN|PRIVATE|onerror|resumeToken/,
      );
    }
  });

  it('a dropped connection reconnects by itself, re-handshakes and keeps the name', async () => {
    const proxy = await startTcpProxy(room.server.port);
    try {
      const lena = await room.open(proxy.url);
      const mike = await open();
      await login(lena, 'lena');
      await login(mike, 'mike');
      await mike.page
        .getByTestId('user-item')
        .filter({ hasText: 'lena' })
        .waitFor();

      proxy.cut();
      await lena.page
        .getByTestId('connection-status')
        .filter({ hasText: 'Reconnecting' })
        .waitFor();
      await lena.page
        .getByTestId('connection-status')
        .filter({ hasText: 'Connected' })
        .waitFor({ timeout: 15_000 });
      await sendMessage(lena, 'back after the drop');
      const seen = mike.page
        .getByTestId('message')
        .filter({ hasText: 'back after the drop' });
      await seen.waitFor();
      expect(await seen.textContent()).toContain('lena:');
      expect(
        await mike.page
          .getByTestId('message')
          .filter({ hasText: 'lena left' })
          .count(),
      ).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('R35/R36: across a server restart the client keeps its name, shows what it wrote meanwhile as sending, and delivers it once', async () => {
    const nina = await open();
    const omar = await open();
    await login(nina, 'nina');
    await login(omar, 'omar');
    const stopping = room.stopServer();
    await nina.page
      .getByTestId('notice')
      .filter({ hasText: 'server is restarting' })
      .waitFor({ timeout: 20_000 });
    // written while the server is away: shown at once, marked as not yet confirmed
    await sendMessage(nina, 'written during the restart');
    const mine = nina.page
      .getByTestId('message')
      .filter({ hasText: 'written during the restart' });
    await mine.getByTestId('message-pending').waitFor();
    await stopping;
    await room.startServer();
    await nina.page
      .getByTestId('notice')
      .filter({ hasText: 'Reconnected as nina' })
      .waitFor({ timeout: 20_000 });
    await mine.getByTestId('message-pending').waitFor({ state: 'detached' });
    const delivered = omar.page
      .getByTestId('message')
      .filter({ hasText: 'written during the restart' });
    await delivered.waitFor({ timeout: 20_000 });
    expect(await delivered.count()).toBe(1);
    expect(await mine.count()).toBe(1);
    // same key files, so the pinned key still matches: no warning, no login form
    expect(await nina.page.getByText('server key has changed').count()).toBe(0);
    expect(await nina.page.getByTestId('username-input').count()).toBe(0);
  });

  it('a newcomer in a fresh browser sees the history, before and after a server restart', async () => {
    const rosa = await open();
    await login(rosa, 'rosa');
    await sendMessage(rosa, 'history for newcomers');
    await rosa.page
      .getByTestId('message')
      .filter({ hasText: 'history for newcomers' })
      .getByTestId('message-time')
      .waitFor();

    // a new profile (nothing stored) logging in for the first time gets the latest messages
    const sam = await open();
    await login(sam, 'sam');
    const seen = sam.page
      .getByTestId('message')
      .filter({ hasText: 'history for newcomers' });
    await seen.waitFor();
    expect(await seen.getAttribute('data-kind')).toBe('global');
    expect(await seen.textContent()).toContain('rosa:');

    await room.stopServer();
    await room.startServer();
    const tess = await open();
    await login(tess, 'tess');
    await tess.page
      .getByTestId('message')
      .filter({ hasText: 'history for newcomers' })
      .waitFor();
    expect(await tess.page.getByText('No messages yet').count()).toBe(0);
  });

  it('a message the server refuses is marked not sent and can be retried', async () => {
    const pia = await open();
    await login(pia, 'pia');
    await sendMessage(pia, '/w nobody-here are you there?');
    const failed = pia.page
      .getByTestId('message')
      .filter({ hasText: 'are you there?' });
    await failed.getByTestId('message-retry').waitFor();
    await pia.page
      .getByTestId('notice')
      .filter({ hasText: 'nobody-here is not online' })
      .waitFor();
    await failed.getByTestId('message-retry').click();
    // still nobody there: refused again, still offered for retry, never shown as delivered
    await failed.getByTestId('message-retry').waitFor();
    expect(await failed.count()).toBe(1);
  });

  it('C12: a changed server key blocks the client with a warning until the user decides', async () => {
    const chat = await open();
    await chat.page.evaluate(
      (origin) =>
        localStorage.setItem(`fuv-chat.server-key:${origin}`, 'AAAA BBBB'),
      room.server.url,
    );
    await chat.page.reload();
    const warning = chat.page
      .getByTestId('notice')
      .filter({ hasText: 'server key has changed' });
    await warning.waitFor();
    expect(await chat.page.getByTestId('login-button').isDisabled()).toBe(true);
    await chat.page.getByTestId('key-change-accept').click();
    await login(chat, 'kate');
    await chat.page
      .getByTestId('user-item')
      .filter({ hasText: 'kate' })
      .waitFor();
  });
});
