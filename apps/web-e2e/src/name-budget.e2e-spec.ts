import { login } from './support/browser';
import { useBrowserRoom } from './support/browser-room';

/** A71 in a real browser: the login form says why a new name is refused. */
describe('the budget of new names in the browser (A71)', () => {
  const room = useBrowserRoom({
    NAMES_PER_KEY_MAX: '1',
    NAMES_PER_ADDRESS_PER_DAY: '2',
  });

  it('A71: the login form shows why a browser holding its names, or a network past its day of new names, may not claim another', async () => {
    const first = await room.open();
    await login(first, 'uma');
    await first.page.getByTestId('logout-button').click();
    await first.page.getByTestId('username-input').fill('vera');
    await first.page.getByTestId('login-button').click();
    await first.page
      .getByTestId('notice')
      .filter({ hasText: "This browser's identity key already holds 1 name;" })
      .waitFor();
    expect(await first.page.getByTestId('username-input').isVisible()).toBe(
      true,
    );
    // its own name is still its own
    await login(first, 'uma');

    const second = await room.open();
    await login(second, 'wren');
    const third = await room.open();
    await third.page.getByTestId('username-input').fill('xena');
    await third.page.getByTestId('login-button').click();
    await third.page
      .getByTestId('notice')
      .filter({ hasText: 'Your network has claimed 2 new names' })
      .waitFor();
    expect(await third.page.getByTestId('login-button').isEnabled()).toBe(true);
  });
});
