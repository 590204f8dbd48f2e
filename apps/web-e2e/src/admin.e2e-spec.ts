import { login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';
import { ADMIN_TOKEN } from '@app/testing';

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
