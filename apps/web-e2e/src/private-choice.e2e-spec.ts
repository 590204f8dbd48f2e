import { type ChatPage, login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';

/** How long "nothing arrives" is watched for: far longer than a message or an offer takes. */
const QUIET_MS = 3000;

/**
 * Issue 30: a choice of recipient never widens on its own. The chosen person leaves between
 * choosing and sending: the conversation stays theirs, the send is refused, nobody else gets it.
 */
describe('the chosen recipient stays chosen when they leave (issue 30)', () => {
  const room = useBrowserRoom();

  /** Three people in the room; `sender` has chosen `chosen`, who then closes the tab. */
  async function chosenLeaves(names: [string, string, string]) {
    const [sender, chosen, other] = [
      await room.open(),
      await room.open(),
      await room.open(),
    ];
    await login(sender, names[0]);
    await login(chosen, names[1]);
    await login(other, names[2]);
    for (const name of [names[1], names[2]])
      await sender.page
        .getByTestId('user-item')
        .filter({ hasText: name })
        .waitFor();
    await sender.page
      .getByTestId('user-item')
      .filter({ hasText: names[1] })
      .click();
    // chosen (as the list has always marked it)
    await sender.page
      .locator('[data-testid="user-item"][aria-pressed="true"]')
      .filter({ hasText: names[1] })
      .waitFor();
    await chosen.page.close({ runBeforeUnload: true });
    // the sender has seen them go: whatever the client does about it, it has done it
    await sender.page
      .getByTestId('message')
      .filter({ hasText: `${names[1]} left the chat` })
      .waitFor();
    return { sender, chosen, other };
  }

  /** Entries of `kinds` on the page whose text holds `text`. */
  const entries = (chat: ChatPage, kinds: string[], text: string) =>
    chat.page
      .locator(
        kinds.map((k) => `[data-testid="message"][data-kind="${k}"]`).join(','),
      )
      .filter({ hasText: text });

  it('I30: a message to the chosen person who left is refused with a notice; nobody else gets it', async () => {
    const { sender, chosen, other } = await chosenLeaves([
      'alice',
      'bob',
      'carol',
    ]);
    await sendMessage(sender, 'meant for bob only');
    await other.page.waitForTimeout(QUIET_MS);
    expect(
      await other.page
        .getByTestId('message')
        .filter({ hasText: 'meant for bob only' })
        .count(),
    ).toBe(0);
    await sender.page
      .getByTestId('notice')
      .filter({ hasText: 'bob is not online' })
      .waitFor();
    // what was typed stays in the box, for the user to decide
    expect(await sender.page.getByTestId('message-input').inputValue()).toBe(
      'meant for bob only',
    );
    // still addressed to bob, shown as offline, in the list and in the compose box
    await sender.page
      .getByTestId('compose-recipient')
      .filter({ hasText: 'Private to bob (offline)' })
      .waitFor();
    const bobRow = sender.page
      .getByTestId('user-item')
      .filter({ hasText: 'bob' });
    expect(await bobRow.getAttribute('data-online')).toBe('false');
    expect(await bobRow.getAttribute('aria-current')).toBe('true');
    // choosing the chosen row again does not drop the choice
    await bobRow.click();
    await sender.page
      .getByTestId('compose-recipient')
      .filter({ hasText: 'Private to bob (offline)' })
      .waitFor();

    // bob comes back in the same browser: the conversation is his again, and he only gets
    // what is sent from now on
    const back = await chosen.context.newPage();
    await back.goto(room.server.url);
    await back.getByTestId('username-input').fill('bob');
    await back.getByTestId('login-button').click();
    await back.getByTestId('message-list').waitFor();
    await sender.page
      .locator('[data-testid="user-item"][data-online="true"]')
      .filter({ hasText: 'bob' })
      .waitFor();
    await sender.page
      .getByTestId('compose-recipient')
      .filter({ hasText: /^\s*Private to bob\s*$/ })
      .waitFor();
    await sendMessage(sender, 'welcome back bob');
    const atBob = back
      .getByTestId('message')
      .filter({ hasText: 'welcome back bob' });
    await atBob.waitFor();
    expect(await atBob.getAttribute('data-kind')).toBe('private');
    expect(
      await back
        .getByTestId('message')
        .filter({ hasText: 'meant for bob only' })
        .count(),
    ).toBe(0);
    expect(
      await other.page
        .getByTestId('message')
        .filter({ hasText: 'welcome back bob' })
        .count(),
    ).toBe(0);
  });

  it('I30: a file picked with 📎 for the chosen person who left is refused; nobody else is offered it', async () => {
    const { sender, other } = await chosenLeaves(['amy', 'ben', 'cleo']);
    const chooser = sender.page.waitForEvent('filechooser');
    await sender.page.getByTestId('file-button').click();
    await (
      await chooser
    ).setFiles({
      name: 'for-ben-only.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('nobody but ben may read this'),
    });
    await other.page.waitForTimeout(QUIET_MS);
    expect(
      await entries(
        other,
        ['file', 'private', 'global'],
        'for-ben-only',
      ).count(),
    ).toBe(0);
    expect(await other.page.getByTestId('file-offer').count()).toBe(0);
    await sender.page
      .getByTestId('notice')
      .filter({ hasText: 'ben is not online' })
      .waitFor();
    // nor is it shown to the sender as going anywhere
    expect(await sender.page.getByTestId('file-sent').count()).toBe(0);
  });

  it('I30: only "Send publicly instead" widens it; a public file then asks first', async () => {
    const { sender, other } = await chosenLeaves(['ann', 'bert', 'cora']);
    await sender.page.getByTestId('send-public-instead').click();
    await sender.page
      .getByTestId('compose-recipient')
      .waitFor({ state: 'detached' });
    // bert was listed only as the chosen one
    await sender.page
      .getByTestId('user-item')
      .filter({ hasText: 'bert' })
      .waitFor({ state: 'detached' });
    await sendMessage(sender, 'now for everyone');
    const shared = other.page
      .getByTestId('message')
      .filter({ hasText: 'now for everyone' });
    await shared.waitFor();
    expect(await shared.getAttribute('data-kind')).toBe('global');

    const pick = async () => {
      const chooser = sender.page.waitForEvent('filechooser');
      await sender.page.getByTestId('file-button').click();
      await (
        await chooser
      ).setFiles({
        name: 'agenda.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('the agenda, for everyone'),
      });
    };
    // a private conversation was open a moment ago: the file goes public only when confirmed
    await pick();
    await sender.page.getByTestId('public-file-cancel').click();
    await sender.page
      .getByTestId('public-file-cancel')
      .waitFor({ state: 'detached' });
    await other.page.waitForTimeout(QUIET_MS);
    expect(await other.page.getByTestId('file-offer').count()).toBe(0);

    await pick();
    await sender.page.getByTestId('public-file-send').click();
    await other.page
      .getByTestId('file-offer')
      .filter({ hasText: 'agenda.txt' })
      .waitFor({ timeout: 30_000 });
  });
});
