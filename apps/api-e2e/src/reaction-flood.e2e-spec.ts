import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import {
  Limits,
  type MessagePayload,
  ServerEvent,
  isSingleEmoji,
} from '@app/shared';
import { ChatClient, type RunningServer, startBuiltServer } from '@app/testing';
import Database from 'better-sqlite3';

import { sleep } from './support/test-server';

const REACTORS = 1400;
const EMOJI = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];

/** A throwaway name of 32 three-byte characters: as heavy as a name gets in UTF-8. */
function reactorName(i: number): string {
  return `${'字'.repeat(27)}${String(i).padStart(5, '0')}`;
}

/**
 * L69's attack, stored as it would be after throwaway names each put 20 emoji on one public
 * message (the longest text, so the entry is as heavy as it gets): unbounded, its history entry
 * weighs 2.5 MB, over what a client opens (the issue's 820 names made 2.15 MB).
 */
function seedReactedMessage(server: RunningServer): void {
  const db = new Database(join(server.dir, 'chat.sqlite'));
  const message = db
    .prepare(
      'INSERT INTO messages (client_id, sender, text, at) VALUES (?, ?, ?, ?)',
    )
    .run(
      randomUUID(),
      'seeder',
      '"\\'.repeat(Limits.messageMaxChars / 2), // escaped in JSON: twice its length
      new Date().toISOString(),
    );
  const react = db.prepare(
    'INSERT INTO reactions (message_id, emoji, username) VALUES (?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < REACTORS; i++)
      for (const emoji of EMOJI)
        react.run(message.lastInsertRowid, emoji, reactorName(i));
  })();
  db.close();
}

describe('L69: one message that everyone reacted to cannot break the chat for whoever joins', () => {
  let server: RunningServer | undefined;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    expect(EMOJI.every(isSingleEmoji)).toBe(true);
    expect(EMOJI).toHaveLength(Limits.reactionsPerMessage);
    const first = await startBuiltServer({ env: { LOG_LEVEL: 'warn' } });
    await first.stop();
    seedReactedMessage(first);
    server = await startBuiltServer({
      dir: first.dir,
      port: first.port,
      env: { LOG_LEVEL: 'warn' },
    });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.kill();
    server?.remove();
  });

  function heavyEntry(client: ChatClient): MessagePayload | undefined {
    return client.publicMessages().find((m) => m.from === 'seeder');
  }

  it('L69: a newcomer gets the message with counts and a few names, in a frame it opens, and stays connected', async () => {
    const newcomer = await ChatClient.login(server!.url, 'newcomer', {
      reconnection: false,
    });
    clients.push(newcomer);
    await newcomer.until(() => heavyEntry(newcomer) !== undefined, 'history');
    const entry = heavyEntry(newcomer)!;

    expect(entry.reactions).toHaveLength(Limits.reactionsPerMessage);
    for (const reaction of entry.reactions ?? []) {
      expect(reaction.count).toBe(REACTORS);
      expect(reaction.users).toHaveLength(Limits.reactionNamesShown);
    }
    expect(Buffer.byteLength(JSON.stringify(entry))).toBeLessThanOrEqual(
      Limits.historyEntryMaxBytes,
    );
    await sleep(1000);
    expect(newcomer.failures).toEqual([]);
    expect(newcomer.disconnects).toBe(0);
    newcomer.say('I can talk');
    await newcomer.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'I can talk',
    );
  }, 30_000);

  it('L69: a reactor beyond the names shown still sees its own name (so it can take its reaction back)', async () => {
    const reactor = await ChatClient.login(
      server!.url,
      reactorName(REACTORS - 1),
    );
    clients.push(reactor);
    await reactor.until(() => heavyEntry(reactor) !== undefined, 'history');
    for (const reaction of heavyEntry(reactor)!.reactions ?? []) {
      expect(reaction.users).toContain(reactor.username);
      expect(reaction.users).toHaveLength(Limits.reactionNamesShown + 1);
      expect(reaction.count).toBe(REACTORS);
    }
  }, 30_000);
});
