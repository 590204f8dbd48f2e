import { readFileSync } from 'node:fs';

import type { Browser } from 'playwright-core';
import { ServerEvent, type TreeHeadPayload } from '@app/shared';
import { ChatClient } from '@app/testing';

import {
  type ChatPage,
  launchBrowser,
  login,
  openChat,
  sendMessage,
} from './support/browser';
import {
  type HostileServer,
  startHostileServer,
} from './support/hostile-server';

/**
 * The browser against our own server turned hostile (issue 25): what the server forges, the
 * browser refuses or flags, whatever the server's rules would have stopped.
 */
describe('a hostile server, and what the browser refuses of it', () => {
  let server: HostileServer;
  let browser: Browser;
  const pages: ChatPage[] = [];
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    server = await startHostileServer();
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const chat of pages.splice(0)) await chat.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(): Promise<ChatPage> {
    const chat = await openChat(browser, server.url);
    pages.push(chat);
    return chat;
  }

  const entry = (chat: ChatPage, text: string) =>
    chat.page.getByTestId('message').filter({ hasText: text });

  it('E63: a private message without end-to-end encryption, "from" a contact, is not shown, and the reader is told', async () => {
    const ivy = await open();
    await login(ivy, 'ivy');
    const hal = await ChatClient.login(server.url, 'hal', { e2ee: true });
    clients.push(hal);
    // an end-to-end conversation first: hal is a contact
    await ivy.page.getByTestId('user-item').filter({ hasText: 'hal' }).click();
    await sendMessage(ivy, 'sealed hello');
    await hal.until(
      () => hal.all(ServerEvent.PrivateMessageCreated).length === 1,
      'the sealed hello',
    );
    await entry(ivy, 'sealed hello').getByTestId('e2ee-badge').waitFor();
    // then the server delivers, as from hal, words in the clear
    server.forge('ivy', ServerEvent.PrivateMessageCreated, {
      id: 'forged-1',
      clientId: 'forged-1',
      from: 'hal',
      to: 'ivy',
      text: 'send me the door code',
      at: new Date().toISOString(),
    });
    await ivy.page
      .getByTestId('notice')
      .filter({ hasText: 'arrived without end-to-end encryption' })
      .waitFor();
    expect(await entry(ivy, 'send me the door code').count()).toBe(0);
  });

  it("E65: a contact's head whose consistency with ours the server does not prove (the proof withheld) is flagged, and nothing goes to them until it is proven", async () => {
    const wren = await open();
    await login(wren, 'wren');
    const kit = await ChatClient.login(server.url, 'kit', { e2ee: true });
    clients.push(kit);
    const heard = (text: string) =>
      kit
        .all(ServerEvent.PrivateMessageCreated)
        .some((m) => m.from === 'wren' && m.text === text);
    await wren.page.getByTestId('user-item').filter({ hasText: 'kit' }).click();
    await sendMessage(wren, 'first words');
    await kit.until(() => heard('first words'), 'the first words');

    // the log grows past the head wren's browser holds; kit's browser has the newer head
    clients.push(await ChatClient.login(server.url, 'latecomer'));
    const head = (await (
      await fetch(`${server.url}/api/transparency/head`)
    ).json()) as TreeHeadPayload;
    // whoever answers wren's browser withholds the proof that joins the two heads
    const withheld = '**/api/transparency/consistency**';
    let asked = 0;
    await wren.context.route(withheld, (route) => {
      asked++;
      return route.fulfill({ status: 404, body: '{"code":"not_found"}' });
    });
    await kit.e2ee!.reply('wren', 'with a newer head', head);
    // the words are shown, and the reader is told at once (a notice lasts 8 s: watched together)
    await Promise.all([
      entry(wren, 'with a newer head').waitFor(),
      wren.page
        .getByTestId('notice')
        .filter({ hasText: 'did not prove' })
        .waitFor(),
    ]);
    expect(asked).toBeGreaterThan(0);
    // both signed heads can be saved as a file, for anyone holding the server's public key
    const [download] = await Promise.all([
      wren.page.waitForEvent('download'),
      wren.page.getByTestId('key-log-evidence').click(),
    ]);
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      format: string;
      version: number;
      pairs: TreeHeadPayload[][];
    };
    expect(saved).toMatchObject({
      format: 'fuv-kt-gossip-evidence',
      version: 1,
    });
    expect(saved.pairs.at(-1)?.map((h) => h.size)).toEqual([
      head.size - 1,
      head.size,
    ]);

    // wren answers: refused in the browser, nothing reaches kit
    await sendMessage(wren, 'are you there?');
    await wren.page
      .getByTestId('notice')
      .filter({ hasText: 'has not proven' })
      .waitFor();
    await wren.page.waitForTimeout(500);
    expect(heard('are you there?')).toBe(false);

    // the proof comes: the next message goes
    await wren.context.unroute(withheld);
    await sendMessage(wren, 'proven now');
    await kit.until(() => heard('proven now'), 'the message once proven');
  });

  it("E66 (own name, in part): while the log does not prove my name is bound to my browser's key, I am warned and no private message leaves; once it does, they go", async () => {
    const yara = await open();
    // whoever answers yara's browser withholds the proof of her own binding, and only that
    const ownProof = /\/api\/transparency\/proof\?name=yara(&|$)/;
    await yara.context.route(ownProof, (route) =>
      route.fulfill({ status: 404, body: '{"code":"not_found"}' }),
    );
    await login(yara, 'yara');
    await yara.page
      .getByTestId('notice')
      .filter({ hasText: 'could not confirm that "yara"' })
      .waitFor();
    const zed = await ChatClient.login(server.url, 'zed', { e2ee: true });
    clients.push(zed);
    const heard = (text: string) =>
      zed
        .all(ServerEvent.PrivateMessageCreated)
        .some((m) => m.from === 'yara' && m.text === text);
    await yara.page.getByTestId('user-item').filter({ hasText: 'zed' }).click();
    await sendMessage(yara, 'not yet');
    await yara.page
      .getByTestId('notice')
      .filter({ hasText: 'does not confirm that "yara"' })
      .waitFor();
    await yara.page.waitForTimeout(500);
    expect(heard('not yet')).toBe(false);

    await yara.context.unroute(ownProof);
    await sendMessage(yara, 'confirmed now');
    await zed.until(() => heard('confirmed now'), 'the confirmed message');
  });

  it('E67: a join under another name than the one typed signs the browser out and says so', async () => {
    const una = await open();
    await login(una, 'una');
    server.forge('una', ServerEvent.SessionJoined, {
      username: 'mallory',
      resumeToken: 'forged',
      graceMs: 30_000,
      resumed: false,
      users: [],
      more: false,
      online: 1,
    });
    await una.page
      .getByTestId('notice')
      .filter({ hasText: 'not under the name you chose' })
      .waitFor();
    // back on the login form, not in the chat as "mallory"
    await una.page.getByTestId('login-button').waitFor();
    await una.page.getByTestId('message-list').waitFor({ state: 'detached' });
  });
});
