import {
  type ChatPage,
  login,
  readVault,
  sendMessage,
  writeVault,
} from './support/browser';
import { privateMessageEvents } from './support/audit-log';
import { useBrowserRoom } from './support/browser-room';
import {
  ClientEvent,
  ServerEvent,
  createIdentityKey,
  toBase64,
  utf8,
} from '@app/shared';
import { tsMlsEngine } from '@app/shared/e2ee';
import { ChatClient } from '@app/testing';

/** E55 in real browsers: private messages travel end to end (MLS), the server relays ciphertext. */
describe('end-to-end private messages in the browser', () => {
  const room = useBrowserRoom();

  async function privately(from: ChatPage, to: string, text: string) {
    await from.page.getByTestId('user-item').filter({ hasText: to }).click();
    await sendMessage(from, text);
  }

  const entry = (chat: ChatPage, text: string) =>
    chat.page.getByTestId('message').filter({ hasText: text });

  it('two browsers exchange private messages end to end, both ways, each marked, the server never reads them', async () => {
    const alice = await room.open();
    const bob = await room.open();
    const carol = await room.open();
    await login(alice, 'amy');
    await login(bob, 'bert');
    await login(carol, 'cara');

    await privately(alice, 'bert', 'the door code is 4711');
    for (const chat of [alice, bob]) {
      const line = entry(chat, 'the door code is 4711');
      await line.waitFor();
      expect(await line.getAttribute('data-kind')).toBe('private');
      await line.getByTestId('e2ee-badge').waitFor();
      expect(await line.textContent()).toMatch(
        /\(Private\)\s*\(\d{2}:\d{2}:\d{2}\)\s*amy\s*→\s*bert/,
      );
    }
    await privately(bob, 'amy', 'got it, thanks');
    await entry(alice, 'got it, thanks').getByTestId('e2ee-badge').waitFor();
    // bert is still selected: the same conversation again
    await sendMessage(alice, 'second one in the same conversation');
    await entry(bob, 'second one in the same conversation')
      .getByTestId('e2ee-badge')
      .waitFor();
    // nobody else sees any of it
    expect(await entry(carol, 'door code').count()).toBe(0);

    // the server's audit log knows who, to whom and how large, never the words
    // (a Welcome and three messages)
    const events = await privateMessageEvents(room.server, 4);
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.detail['e2ee'] !== undefined)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('4711');
  });

  it('E57: a key-log head inside an end-to-end message that contradicts the reader’s is caught', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await login(alice, 'ada');
    await login(bob, 'bo');
    await privately(alice, 'bo', 'first, to found the conversation');
    await entry(bob, 'first, to found the conversation').waitFor();
    // as if the server had shown bob another history than alice's
    const kept = await readVault<{ size: number }>(bob, 'key-log:head');
    expect(kept?.size).toBeGreaterThanOrEqual(2);
    await writeVault(bob, 'key-log:head', {
      ...kept,
      rootHash: 'cd'.repeat(32),
    });
    await sendMessage(alice, 'carrying my view of the log');
    // the message is read, and the contradiction between the two views is reported and kept
    await entry(bob, 'carrying my view of the log').waitFor();
    await bob.page
      .getByTestId('notice')
      .filter({ hasText: 'contradicts the one it showed before' })
      .waitFor();
    expect(await readVault<unknown[]>(bob, 'key-log:evidence')).toHaveLength(1);
  });

  it('a conversation survives a page load: what arrives after it still opens, both ways', async () => {
    const alice = await room.open();
    const bob = await room.open();
    await login(alice, 'ida');
    await login(bob, 'jon');
    await privately(alice, 'jon', 'before the reload');
    await entry(bob, 'before the reload').waitFor();
    await bob.page.reload();
    await login(bob, 'jon');
    // jon left and came back: ida opens the conversation again, the same one she founded
    await privately(alice, 'jon', 'after the reload');
    await entry(bob, 'after the reload').getByTestId('e2ee-badge').waitFor();
    await privately(bob, 'ida', 'still here');
    await entry(alice, 'still here').getByTestId('e2ee-badge').waitFor();
    expect(
      await bob.page
        .getByTestId('notice')
        .filter({ hasText: 'could not be decrypted' })
        .count(),
    ).toBe(0);
  });

  it('E56: a key package certified by another key than the name’s in the log is refused, and nothing is sent', async () => {
    const alice = await room.open();
    await login(alice, 'kim');
    // "lou" logs in with one key, but its key packages claim another: what a server that swaps
    // keys would hand out
    const lou = await ChatClient.login(room.server.url, 'lou', {
      e2ee: true,
      e2eeIdentity: await createIdentityKey(),
    });
    try {
      await privately(alice, 'lou', 'for the real lou only');
      await alice.page
        .getByTestId('notice')
        .filter({ hasText: "lou's key could not be confirmed" })
        .waitFor();
      await entry(alice, 'for the real lou only')
        .getByTestId('message-retry')
        .waitFor();
      expect(lou.all(ServerEvent.PrivateMessageCreated)).toHaveLength(0);
    } finally {
      lou.close();
    }
  });

  it("E62: someone else's genuine key package, handed over as the contact's, is refused, and nothing reaches anyone", async () => {
    const alice = await room.open();
    await login(alice, 'kai');
    // mallory is who she says she is: her packages name her, the key log binds her name to her key
    const malloryKey = await createIdentityKey();
    const mallory = await ChatClient.login(room.server.url, 'mallory', {
      identity: malloryKey,
      e2ee: true,
      e2eeIdentity: malloryKey,
    });
    // what kai's browser gets when it claims one of ben's packages from a server that swaps the
    // answer: one of mallory's (here ben's connection hands hers out as its own)
    const ben = await ChatClient.login(room.server.url, 'ben');
    const malloryDevice = await tsMlsEngine.device(
      'mallory',
      malloryKey,
      async () => true,
    );
    await ben.send(ClientEvent.KeyPackagesPublish, {
      packages: [toBase64(await malloryDevice.keyPackage())],
    });
    try {
      await privately(alice, 'ben', 'for ben only');
      await alice.page
        .getByTestId('notice')
        .filter({ hasText: "ben's key could not be confirmed" })
        .waitFor();
      await entry(alice, 'for ben only').getByTestId('message-retry').waitFor();
      expect(ben.all(ServerEvent.PrivateMessageCreated)).toHaveLength(0);
      expect(mallory.all(ServerEvent.PrivateMessageCreated)).toHaveLength(0);
    } finally {
      ben.close();
      mallory.close();
    }
  });

  it('E59/E61: a forged end-to-end frame, or a transport envelope as one, is refused with a notice and shows nothing', async () => {
    const alice = await room.open();
    await login(alice, 'max');
    const mallory = await ChatClient.login(room.server.url, 'mel', {
      e2ee: true,
    });
    try {
      // random bytes as an application message of a conversation max never had, and a
      // transport envelope's bytes as a Welcome
      const frames = [
        ['g-1', 'message', crypto.getRandomValues(new Uint8Array(200))],
        ['g-2', 'welcome', utf8('{"v":1,"seq":0,"box":"AAAA"}')],
      ] as const;
      for (const [clientId, kind, mls] of frames)
        await mallory.send(ClientEvent.PrivateMessageSend, {
          clientId,
          to: 'max',
          text: '',
          e2ee: {
            v: 1,
            kind,
            conversation: toBase64(new Uint8Array(16)),
            mls: toBase64(mls),
          },
        });
      // both relayed (the server cannot tell), both refused by max's browser
      await mallory.until(
        () => mallory.all(ServerEvent.PrivateMessageCreated).length === 2,
        'both relayed',
      );
      await alice.page
        .getByTestId('notice')
        .filter({ hasText: 'could not be decrypted' })
        .first()
        .waitFor();
      expect(
        await alice.page
          .getByTestId('message')
          .filter({ hasText: 'mel' })
          .filter({ hasText: 'Private' })
          .count(),
      ).toBe(0);
    } finally {
      mallory.close();
    }
  });
});
