import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

import Database from 'better-sqlite3';

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
            : (li.textContent ?? '').replace(/.*: /s, '').trim(),
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
});
