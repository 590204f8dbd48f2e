import { login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';
import { ADMIN_TOKEN, ChatClient } from '@app/testing';

describe('admin page in a real browser', () => {
  const room = useBrowserRoom();
  const open = (path = '') => room.open(path);

  it('a wrong token is refused with a notice', async () => {
    const admin = await open('/admin');
    await admin.page.getByTestId('admin-token-input').fill('not-the-token');
    await admin.page.getByTestId('admin-login-button').click();
    await admin.page
      .getByTestId('notice')
      .filter({ hasText: 'valid admin token' })
      .waitFor();
    expect(await admin.page.getByTestId('log-table').count()).toBe(0);
  });

  it('the admin sees the chat that just happened, the verified chain, and kicks a user who is told', async () => {
    const alice = await open();
    const bob = await open();
    await login(alice, 'alice');
    await login(bob, 'bob');
    const hostile = '<script>window.__pwned = 1</script> \u001b[31m ANSI';
    await sendMessage(alice, 'hello from the audit test');
    await sendMessage(alice, hostile);
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'hello from the audit test' })
      .waitFor();

    const admin = await open('/admin');
    await admin.page.getByTestId('admin-token-input').fill(ADMIN_TOKEN);
    await admin.page.getByTestId('admin-login-button').click();
    await admin.page.getByTestId('log-table').waitFor();
    await admin.page
      .getByTestId('log-row')
      .filter({ hasText: 'hello from the audit test' })
      .waitFor();
    const row = admin.page
      .getByTestId('log-row')
      .filter({ hasText: 'hello from the audit test' });
    expect(await row.textContent()).toContain('message_public');
    expect(await row.textContent()).toContain('alice');
    // M28: the hostile row is text, with the escape character made visible
    const hostileRow = admin.page
      .getByTestId('log-row')
      .filter({ hasText: '<script>' });
    await hostileRow.waitFor();
    expect(await hostileRow.textContent()).toContain('\\u001b[31m');
    expect(
      await admin.page.evaluate(() => (window as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    await admin.page
      .getByTestId('chain-status')
      .filter({ hasText: /Chain verified up to #\d+/ })
      .waitFor();

    // filters narrow the table
    await admin.page.getByTestId('log-filter-type').fill('login_accepted');
    await admin.page.getByTestId('log-filter-type').press('Enter');
    await admin.page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="log-row"]')];
      return (
        rows.length > 0 &&
        rows.every((row) => row.textContent?.includes('login_accepted'))
      );
    });
    expect(await admin.page.getByTestId('log-row').count()).toBe(2);

    // live tail: a new event shows up without reloading (filters cleared first)
    await admin.page.getByTestId('log-filter-type').fill('');
    await admin.page.getByTestId('log-filter-type').press('Enter');
    await sendMessage(alice, 'tail me');
    await admin.page
      .getByTestId('log-row')
      .filter({ hasText: 'tail me' })
      .waitFor({ timeout: 10_000 });

    const bobRow = admin.page
      .getByTestId('admin-user-row')
      .filter({ hasText: 'bob' });
    await bobRow.getByTestId('admin-kick-button').click();
    await bob.page
      .getByTestId('notice')
      .filter({ hasText: 'An administrator removed you' })
      .waitFor();
    await bob.page.getByTestId('username-input').waitFor();
    await alice.page
      .getByTestId('user-item')
      .filter({ hasText: 'bob' })
      .waitFor({ state: 'detached' });
    await admin.page
      .getByTestId('admin-user-row')
      .filter({ hasText: 'bob' })
      .waitFor({ state: 'detached', timeout: 10_000 });
  });
});

describe('admin page: the table and the live state', () => {
  // long enough for the page's 3 s refresh to see a dropped user held for a resume
  const room = useBrowserRoom({ RESUME_GRACE_MS: '20000' });

  it('sorts by a column, pages by 25, shows local times with the ISO time in a tooltip, and each user as online or reconnecting', async () => {
    const zed = await ChatClient.login(room.server.url, 'zed', {
      resilient: true,
    });
    for (let i = 0; i < 30; i++) zed.say(`line ${i}`);
    await zed.until(() => zed.outbox.size === 0, 'stored', 15_000);

    const admin = await room.open('/admin');
    await admin.page.getByTestId('admin-token-input').fill(ADMIN_TOKEN);
    await admin.page.getByTestId('admin-login-button').click();
    await admin.page.getByTestId('log-row').first().waitFor();
    const state = admin.page
      .getByTestId('admin-user-row')
      .filter({ hasText: 'zed' })
      .getByTestId('admin-user-state');
    expect(await state.textContent()).toContain('online');

    // local time, ISO in the tooltip
    const time = admin.page.getByTestId('log-row').first().locator('time');
    const iso = (await time.getAttribute('title')) ?? '';
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect((await time.textContent())?.trim()).not.toBe(iso);

    // hold the page still while reading it
    const tail = admin.page.getByRole('switch', { name: 'Live tail' });
    await tail.click();
    // sorted by type: the page's rows in alphabetical order of their type
    await admin.page.getByRole('columnheader', { name: 'Type' }).click();
    const types = await admin.page
      .getByTestId('log-row')
      .evaluateAll((rows) =>
        rows.map((r) => r.querySelectorAll('td')[2]?.textContent?.trim() ?? ''),
      );
    expect(types.length).toBeGreaterThan(5);
    expect(types).toEqual([...types].sort((a, b) => a.localeCompare(b)));

    // 25 a page, then the next page holds older events
    // Playwright never finds the paginator's select still enough to click: no waiting for it
    await admin.page
      .getByRole('combobox', { name: /per page/i })
      .click({ force: true });
    await admin.page.getByRole('option', { name: '25' }).click();
    await admin.page.getByText('Page 1', { exact: true }).waitFor();
    await admin.page.waitForFunction(
      () => document.querySelectorAll('[data-testid="log-row"]').length === 25,
    );
    const firstIds = await admin.page
      .getByTestId('log-row')
      .evaluateAll((rows) =>
        rows.map((r) => r.querySelector('td')?.textContent),
      );
    await admin.page.getByRole('button', { name: 'Older events' }).click();
    await admin.page.getByText('Page 2', { exact: true }).waitFor();
    await admin.page.waitForFunction(
      (first) =>
        document.querySelector('[data-testid="log-row"] td')?.textContent !==
        first,
      firstIds[0],
    );

    // zed's connection drops: held for a resume, shown as reconnecting (live again)
    await tail.click();
    zed.socket.io.reconnection(false);
    zed.socket.io.engine.close();
    await state
      .filter({ hasText: 'reconnecting' })
      .waitFor({ timeout: 10_000 });
  });
});
