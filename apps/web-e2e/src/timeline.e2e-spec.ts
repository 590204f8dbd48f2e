import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

import Database from 'better-sqlite3';

import { privateMessageEvents } from './support/audit-log';
import { login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the timeline in a real browser', () => {
  const room = useBrowserRoom();

  it('history that spans days gets a date line between days; each entry keeps HH:MM:SS with the full date in its tooltip', async () => {
    // history from earlier days, as a long-running server holds it
    await room.stopServer();
    const db = new Database(join(room.server.dir, 'chat.sqlite'));
    const insert = db.prepare(
      'INSERT INTO messages (client_id, sender, text, at) VALUES (?, ?, ?, ?)',
    );
    const now = Date.now();
    insert.run(
      randomUUID(),
      'uma',
      'three days ago',
      new Date(now - 3 * DAY_MS).toISOString(),
    );
    insert.run(
      randomUUID(),
      'uma',
      'yesterday',
      new Date(now - DAY_MS).toISOString(),
    );
    db.close();
    await room.startServer();

    const vic = await room.open();
    await login(vic, 'vic');
    await sendMessage(vic, 'today');
    await vic.page
      .getByTestId('message')
      .filter({ hasText: 'today' })
      .waitFor();

    const separators = await vic.page
      .getByTestId('day-separator')
      .allTextContents();
    const threeDaysAgo = new Date(now - 3 * DAY_MS);
    expect(separators.map((s) => s.trim())).toEqual([
      expect.stringContaining(String(threeDaysAgo.getFullYear())),
      'Yesterday',
      'Today',
    ]);
    expect(separators[0]).toContain(String(threeDaysAgo.getDate()));

    // the separators sit between the days' messages, not just anywhere
    const order = await vic.page
      .getByTestId('message-list')
      .locator('li')
      .evaluateAll((items) =>
        items.map((li) =>
          li.getAttribute('data-testid') === 'day-separator'
            ? 'day'
            : (['three days ago', 'yesterday'].find((text) =>
                (li.textContent ?? '').includes(`: ${text}`),
              ) ?? ''),
        ),
      );
    const texts = order.filter((o) =>
      ['day', 'three days ago', 'yesterday'].includes(o),
    );
    expect(texts).toEqual(['day', 'three days ago', 'day', 'yesterday', 'day']);

    const time = vic.page
      .getByTestId('message')
      .filter({ hasText: 'three days ago' })
      .getByTestId('message-time');
    expect(await time.textContent()).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(await time.getAttribute('title')).toContain(
      String(threeDaysAgo.getFullYear()),
    );
  });

  it('typing: the room sees "alice is typing…" until she sends; a private notice reaches only its recipient and fades when the typing stops', async () => {
    const [alice, bob, carol] = await Promise.all([
      room.open(),
      room.open(),
      room.open(),
    ]);
    await login(alice, 'alice');
    await login(bob, 'bob');
    await login(carol, 'carol');
    await carol.page
      .getByTestId('user-item')
      .filter({ hasText: 'bob' })
      .waitFor();

    await alice.page.getByTestId('message-input').pressSequentially('hel');
    for (const chat of [bob, carol])
      await chat.page
        .getByTestId('typing-indicator')
        .filter({ hasText: 'alice is typing…' })
        .waitFor();
    expect(await alice.page.getByTestId('typing-indicator').count()).toBe(0);
    await alice.page.getByTestId('message-input').pressSequentially('lo');
    await alice.page.getByTestId('message-input').press('Enter');
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'hello' })
      .waitFor();
    await bob.page
      .getByTestId('typing-indicator')
      .waitFor({ state: 'detached' });

    // bob writes to alice privately: alice is told, carol is not
    await bob.page
      .getByTestId('user-item')
      .filter({ hasText: 'alice' })
      .click();
    await bob.page.getByTestId('message-input').pressSequentially('psst');
    const atAlice = alice.page
      .getByTestId('typing-indicator')
      .filter({ hasText: 'bob is typing a private message to you…' });
    await atAlice.waitFor();
    // carol's notice would have come with alice's: give it time to show, had it been sent
    await carol.page.waitForTimeout(500);
    expect(await carol.page.getByTestId('typing-indicator').count()).toBe(0);
    // bob stops typing without sending: the notice fades by itself
    await atAlice.waitFor({ state: 'detached', timeout: 12_000 });
  });

  it('unread: a divider before the first message that came while scrolled up or hidden, a count in the tab title, a "new messages" button', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await bob.page.setViewportSize({ width: 1000, height: 420 });
    await login(alice, 'ann');
    await login(bob, 'ben');
    for (let i = 0; i < 12; i++) await sendMessage(alice, `filler ${i}`);
    const list = bob.page.getByTestId('message-list');
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'filler 11' })
      .waitFor();
    const divider = bob.page.getByTestId('unread-divider');
    expect(await divider.count()).toBe(0);

    // ben scrolls up to read; ann goes on
    await list.evaluate((el) => el.scrollTo({ top: 0 }));
    await bob.page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="message-list"]');
      return el !== null && el.scrollTop === 0;
    });
    await sendMessage(alice, 'while ben reads back');
    const jump = bob.page.getByTestId('new-messages-button');
    await jump.filter({ hasText: '1 new message' }).waitFor();
    await bob.page.waitForFunction(
      () => document.title === '(1) FUV Secure Chat',
    );
    // the divider sits right before the first unread message
    const afterDivider = await divider.evaluate(
      (el) => el.nextElementSibling?.textContent ?? '',
    );
    expect(afterDivider).toContain('while ben reads back');
    await jump.click();
    await jump.waitFor({ state: 'detached' });
    await bob.page.waitForFunction(() => document.title === 'FUV Secure Chat');
    expect(await divider.count()).toBe(1);

    // ben switches to another tab: the count is in the title, the divider moves
    await bob.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', {
        value: true,
        configurable: true,
      });
      Object.defineProperty(document, 'visibilityState', {
        value: 'hidden',
        configurable: true,
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await sendMessage(alice, 'while ben is away 1');
    await sendMessage(alice, 'while ben is away 2');
    await bob.page.waitForFunction(
      () => document.title === '(2) FUV Secure Chat',
    );
    expect(
      await divider.evaluate((el) => el.nextElementSibling?.textContent ?? ''),
    ).toContain('while ben is away 1');
    await bob.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', {
        value: false,
        configurable: true,
      });
      Object.defineProperty(document, 'visibilityState', {
        value: 'visible',
        configurable: true,
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await bob.page.waitForFunction(() => document.title === 'FUV Secure Chat');
  });

  it('reactions: added from the picker, counted for everyone, taken back with a click, kept with the history; on a private message too', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await login(alice, 'ada');
    await login(bob, 'bo');
    await sendMessage(alice, 'react here');
    const atBob = bob.page
      .getByTestId('message')
      .filter({ hasText: 'react here' });
    await atBob.waitFor();

    const pick = async (
      chat: typeof bob,
      message: typeof atBob,
      name: string,
    ) => {
      await message.hover();
      await message.getByTestId('reaction-button').click();
      await chat.page
        .getByTestId('emoji-picker')
        .getByTitle(name, { exact: true })
        .first()
        .click();
    };
    await pick(bob, atBob, 'grinning');
    const atAlice = alice.page
      .getByTestId('message')
      .filter({ hasText: 'react here' });
    for (const message of [atAlice, atBob])
      await message
        .getByTestId('reaction')
        .filter({ hasText: '😀 1' })
        .waitFor();

    // alice adds hers by clicking the reaction itself, then takes it back
    await atAlice.getByTestId('reaction').click();
    for (const message of [atAlice, atBob])
      await message
        .getByTestId('reaction')
        .filter({ hasText: '😀 2' })
        .waitFor();
    expect(
      await atAlice.getByTestId('reaction').getAttribute('aria-pressed'),
    ).toBe('true');
    await atAlice.getByTestId('reaction').click();
    await atBob.getByTestId('reaction').filter({ hasText: '😀 1' }).waitFor();

    // a newcomer gets it with the history
    const carol = await room.open();
    await login(carol, 'cy');
    await carol.page
      .getByTestId('message')
      .filter({ hasText: 'react here' })
      .getByTestId('reaction')
      .filter({ hasText: '😀 1' })
      .waitFor();

    // on a private message: between the two only
    await sendMessage(alice, '/w bo between us');
    const privateAtBob = bob.page
      .getByTestId('message')
      .filter({ hasText: 'between us' });
    await privateAtBob.waitFor();
    await pick(bob, privateAtBob, 'grinning');
    await alice.page
      .getByTestId('message')
      .filter({ hasText: 'between us' })
      .getByTestId('reaction')
      .filter({ hasText: '😀 1' })
      .waitFor();
    expect(await carol.page.getByText('between us').count()).toBe(0);
    // it travelled end to end: a Welcome, the message and the reaction, logged as private
    // messages the server could not read
    const events = await privateMessageEvents(room.server, 3);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.detail['e2ee'] !== undefined)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('😀');
  });

  it('mentions and notifications: @ completes online names, a mention of me is highlighted; private messages and mentions notify while the tab is hidden, until turned off', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await bob.context.grantPermissions(['notifications'], {
      origin: bob.origin,
    });
    // record what the page shows as notifications (the real ones go to the desktop)
    await bob.context.addInitScript(() => {
      const Real = window.Notification;
      const shown: string[] = [];
      (window as unknown as { shown: string[] }).shown = shown;
      class Recording extends Real {
        constructor(title: string, options?: NotificationOptions) {
          shown.push(`${title}: ${options?.body ?? ''}`);
          super(title, options);
        }
      }
      // the statics are getters of the real class: read them there
      Object.defineProperty(Recording, 'permission', {
        get: () => Real.permission,
      });
      Recording.requestPermission = () => Real.requestPermission();
      window.Notification = Recording;
    });
    await bob.page.reload();
    await login(alice, 'alma');
    await login(bob, 'bruno');
    // this browser already allows notifications for the site: they are on
    const toggle = bob.page.getByTestId('notifications-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await bob.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', {
        value: true,
        configurable: true,
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });

    const input = alice.page.getByTestId('message-input');
    await input.pressSequentially('look @br');
    await alice.page
      .getByTestId('mention-suggestion')
      .filter({ hasText: 'bruno' })
      .click();
    expect(await input.inputValue()).toBe('look @bruno ');
    await input.pressSequentially('here');
    await input.press('Enter');
    const mention = bob.page
      .getByTestId('message')
      .filter({ hasText: 'look @bruno here' });
    await mention.waitFor();
    expect(
      await mention.evaluate((el) => el.classList.contains('mention')),
    ).toBe(true);
    const plain = alice.page
      .getByTestId('message')
      .filter({ hasText: 'look @bruno here' });
    expect(await plain.evaluate((el) => el.classList.contains('mention'))).toBe(
      false,
    );

    await sendMessage(alice, '/w bruno a secret');
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'a secret' })
      .waitFor();
    await sendMessage(alice, 'nothing for bruno');
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'nothing for bruno' })
      .waitFor();
    const shown = () =>
      bob.page.evaluate(() => (window as unknown as { shown: string[] }).shown);
    expect(await shown()).toEqual([
      'alma mentioned you: look @bruno here',
      'Private message from alma: a secret',
    ]);

    // turned off: remembered, and nothing more is shown
    await toggle.click();
    await bob.page
      .locator('[data-testid="notifications-toggle"][aria-pressed="false"]')
      .waitFor();
    await sendMessage(alice, '/w bruno another secret');
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'another secret' })
      .waitFor();
    expect(await shown()).toHaveLength(2);
    // remembered in this browser for the next visit
    expect(
      await bob.page.evaluate(() =>
        localStorage.getItem('fuv-chat.notifications'),
      ),
    ).toBe('off');
  });

  it('the user list filters by name; the chat as the README shows it (docs/chat.png)', async () => {
    const names = ['carla', 'oscar', 'mia', 'leo'];
    const chats = [];
    for (const name of names) {
      const chat = await room.open();
      await login(chat, name);
      chats.push(chat);
    }
    const [carla, oscar, mia] = chats;
    const people = carla.page.getByTestId('user-item');
    await people.filter({ hasText: 'leo' }).waitFor();
    await carla.page.getByTestId('user-filter').fill('AR');
    await carla.page.waitForFunction(
      () => document.querySelectorAll('[data-testid="user-item"]').length === 2,
    );
    expect((await people.allTextContents()).map((t) => t.trim())).toEqual([
      expect.stringContaining('carla'),
      expect.stringContaining('oscar'),
    ]);
    await carla.page.getByTestId('user-filter').fill('');
    await people.filter({ hasText: 'mia' }).waitFor();

    // a lively moment for the screenshot
    await sendMessage(oscar, 'Morning all 👋 the release notes are up');
    await sendMessage(mia, 'Thanks @oscar! Reading them now :tada:');
    await sendMessage(oscar, '/w carla can you check the audit log later?');
    const release = carla.page
      .getByTestId('message')
      .filter({ hasText: 'release notes' });
    await release.waitFor();
    // the private one is opened end to end a moment later: let it land before reacting
    await carla.page
      .getByTestId('message')
      .filter({ hasText: 'audit log' })
      .waitFor();
    await release.hover();
    await release.getByTestId('reaction-button').click();
    // found by name: the picker renders its categories lazily, and 👍 is not in the first
    const picker = carla.page.getByTestId('emoji-picker');
    await picker.getByPlaceholder('Search').fill('thumbsup');
    await picker.getByTitle('+1', { exact: true }).first().click();
    await release.getByTestId('reaction').waitFor();
    await carla.page.mouse.move(0, 0);
    const file = join(__dirname, '../../../docs/chat.png');
    const png = await carla.page.screenshot({ path: file });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });
});
