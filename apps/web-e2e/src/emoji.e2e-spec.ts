import { type ChatPage, login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';

describe('emoji in a real browser', () => {
  const room = useBrowserRoom();

  async function pair(a: string, b: string): Promise<[ChatPage, ChatPage]> {
    const first = await room.open();
    const second = await room.open();
    await login(first, a);
    await login(second, b);
    return [first, second];
  }

  it('the picker inserts an emoji at the caret, keeps focus, and the other user sees it', async () => {
    const [alice, bob] = await pair('alice', 'bob');
    const input = alice.page.getByTestId('message-input');
    await input.fill('before  after');
    await input.evaluate((el: HTMLTextAreaElement) => {
      el.setSelectionRange(7, 7);
      el.dispatchEvent(new KeyboardEvent('keyup'));
    });

    // the picker's code is not part of the page until the button asks for it
    const scripts = () => alice.requests.filter((url) => url.endsWith('.js'));
    const before = scripts();
    await alice.page.getByTestId('emoji-button').click();
    const picker = alice.page.getByTestId('emoji-picker');
    await picker.waitFor();
    expect(scripts().length).toBeGreaterThan(before.length);
    await picker.getByPlaceholder('Search').fill('rocket');
    await picker
      .getByLabel('Search Results')
      .getByTitle('rocket', { exact: true })
      .click();
    await picker.waitFor({ state: 'detached' });

    expect(await input.inputValue()).toBe('before 🚀 after');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    await alice.page.getByTestId('send-button').click();
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'before 🚀 after' })
      .waitFor();
  });

  it(':smile: becomes 😄 as soon as the colon closes, and on send', async () => {
    const [carol, dave] = await pair('carol', 'dave');
    const input = carol.page.getByTestId('message-input');
    await input.pressSequentially('hi :smile:');
    await expect(input.inputValue()).resolves.toBe('hi 😄');
    await input.pressSequentially(' at 12:30:45 see http://x :notanemoji:');
    await input.press('Enter');
    const message = dave.page
      .getByTestId('message')
      .filter({ hasText: 'hi 😄 at 12:30:45 see http://x :notanemoji:' });
    await message.waitFor();

    // pasted text (no typing) is converted when sent
    await input.fill('pasted :tada::+1::skin-tone-3: in the middle');
    await input.press('Enter');
    await dave.page
      .getByTestId('message')
      .filter({ hasText: 'pasted 🎉👍🏼 in the middle' })
      .waitFor();
  });

  it('autocomplete offers suggestions for :sm and Enter or Tab picks one', async () => {
    const [erin, frank] = await pair('erin', 'frank');
    const input = erin.page.getByTestId('message-input');
    await input.pressSequentially('look :sm');
    const options = erin.page.getByTestId('emoji-suggestion');
    await options.first().waitFor();
    expect(await options.count()).toBeGreaterThan(1);
    expect(await options.allTextContents()).toContainEqual(
      expect.stringContaining(':smile:'),
    );

    await input.press('ArrowDown');
    await input.press('Enter');
    const value = await input.inputValue();
    expect(value).toMatch(/^look \p{Extended_Pictographic}/u);
    expect(value).not.toContain(':sm');

    await input.pressSequentially(' and :hear');
    await options.first().waitFor();
    await input.press('Tab');
    expect(await input.inputValue()).not.toContain(':hear');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    await input.press('Enter');
    await frank.page
      .getByTestId('message')
      .filter({ hasText: 'look ' })
      .waitFor();
  });

  it('an emoji-only message shows larger; usernames are never converted', async () => {
    const [gina, hank] = await pair('gina', 'hank');
    await sendMessage(gina, '🎉🎉');
    const big = hank.page
      .getByTestId('message')
      .filter({ hasText: '🎉🎉' })
      .locator('.text');
    await big.waitFor();
    await sendMessage(gina, 'party 🎉');
    const normal = hank.page
      .getByTestId('message')
      .filter({ hasText: 'party 🎉' })
      .locator('.text');
    await normal.waitFor();
    const size = (el: typeof big) =>
      el.evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
    expect(await size(big)).toBeGreaterThan((await size(normal)) * 1.5);

    const other = await room.open();
    await other.page.getByTestId('username-input').fill(':smile:');
    await other.page.getByTestId('login-button').click();
    await other.page
      .getByTestId('notice')
      .filter({ hasText: 'letters, digits' })
      .waitFor();
  });
});
