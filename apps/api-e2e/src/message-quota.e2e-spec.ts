import { createHash, randomUUID } from 'node:crypto';

import { ClientEvent, ErrorCode, ServerEvent } from '@app/shared';
import { ChatClient } from '@app/testing';

import { useChatRoom } from './support/chat-room';
import { auditRows, startServer } from './support/test-server';

/** 4,000 four-byte characters: the longest message, 16,000 bytes of text. */
const LONGEST = '😀'.repeat(4000);

/** Sends a public message; resolves with the server's answer: stored, or the refusal. */
async function send(client: ChatClient, text: string) {
  const clientId = randomUUID();
  await client.send(ClientEvent.MessageSend, { clientId, text });
  await client.until(
    () =>
      client.publicMessages().some((m) => m.clientId === clientId) ||
      client.all(ServerEvent.Exception).some((e) => e.clientId === clientId),
    'the answer',
  );
  const refusal = client
    .all(ServerEvent.Exception)
    .find((e) => e.clientId === clientId);
  return { clientId, refusal };
}

describe('what public messages may add to the database (L76)', () => {
  // a day's text: 64 KB a name (four of the longest messages), 96 KB an address (six)
  const room = useChatRoom({
    MESSAGES_USER_KB_PER_DAY: '64',
    MESSAGES_ADDRESS_KB_PER_DAY: '96',
  });

  it('L76: a name stores a day of text and no more, its address all its names together; the audit row keeps a digest, not a second copy', async () => {
    const alice = await room.login('alice');
    const alice2 = await room.login('alice2');
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await send(alice, LONGEST);
      expect(answer.refusal).toBeUndefined();
      sent.push(answer.clientId);
    }
    const past = await send(alice, LONGEST);
    expect(past.refusal).toMatchObject({
      code: ErrorCode.QuotaExceeded,
      field: 'text',
    });
    expect(past.refusal?.message).toMatch(/as a day allows \(64 KB\)/);
    // a short message does not fit either: the day is spent, not just the long ones
    expect((await send(alice, LONGEST.slice(0, 2000))).refusal).toBeDefined();
    // a resend of one she stored (its answer lost) is answered with the stored original
    await alice.send(ClientEvent.MessageSend, {
      clientId: sent[0],
      text: LONGEST,
    });
    const copies = () =>
      alice
        .all(ServerEvent.MessageCreated)
        .filter((m) => m.clientId === sent[0]);
    await alice.until(() => copies().length === 2, 'the original again');
    expect(copies()[1]).toEqual(copies()[0]);

    // another name of the same address: the address's 96 KB hold two more
    expect((await send(alice2, LONGEST)).refusal).toBeUndefined();
    expect((await send(alice2, LONGEST)).refusal).toBeUndefined();
    const network = await send(alice2, LONGEST);
    expect(network.refusal?.message).toMatch(/Your network/);

    // what was refused was not stored; what was stored is in the log once, by its digest
    const stored = alice2
      .publicMessages()
      .filter((m) => m.text === LONGEST && m.from.startsWith('alice'));
    const rows = await auditRows(room.server, 'message_public');
    const mine = rows.filter((r) => r.actor?.startsWith('alice'));
    expect(mine).toHaveLength(6);
    expect(stored.length).toBeGreaterThanOrEqual(2);
    const digest = createHash('sha256').update(LONGEST).digest('hex');
    for (const row of mine) {
      expect(JSON.parse(row.detail)).toMatchObject({
        bytes: 16_000,
        sha256: digest,
      });
      expect(row.detail).not.toContain('😀');
    }
  });
});

describe('the free-disk floor covers the database (L76)', () => {
  it('L76: while the database’s disk is below DATABASE_MIN_FREE_MB, public messages are refused and nothing is stored', async () => {
    const server = await startServer({ DATABASE_MIN_FREE_MB: '10000000' });
    try {
      const carol = await ChatClient.login(server.url, 'carol');
      const answer = await send(carol, 'hello');
      expect(answer.refusal).toMatchObject({
        code: ErrorCode.QuotaExceeded,
        field: 'text',
      });
      expect(answer.refusal?.message).toMatch(/low on disk space/);
      expect(await auditRows(server, 'message_public')).toEqual([]);
      carol.close();
    } finally {
      await server.close();
    }
  });
});
