import { AuditService } from '@app/api';
import {
  ClientEvent,
  ErrorCode,
  type ExceptionPayload,
  type IdentityKey,
  createIdentityKey,
} from '@app/shared';

import { type ChatRoom, useChatRoom } from './support/chat-room';
import { auditRows, sleep } from './support/test-server';

const pad = (n: number) => String(n).padStart(2, '0');

/** NAMES_PER_KEY_MAX's default. */
const PER_KEY = 20;

async function keyLogLeaves(room: ChatRoom): Promise<number> {
  const [{ n }] = (await room.server.db.query(
    'SELECT COUNT(*) AS n FROM key_log_leaves',
  )) as [{ n: number }];
  return Number(n);
}

/** The reasons of the refused logins audited so far. */
async function refusedFor(room: ChatRoom): Promise<string[]> {
  await room.server.app.get(AuditService).drain();
  return (await auditRows(room.server, 'login_rejected')).map(
    (row) => (JSON.parse(row.detail) as { reason?: string }).reason ?? '',
  );
}

describe('names one identity key may hold (A71)', () => {
  const room = useChatRoom();

  it('A71: one identity key that logs in, logs out and logs in under the next name is refused past NAMES_PER_KEY_MAX, before any key-log leaf', async () => {
    const key = await createIdentityKey();
    const client = await room.connect({ identity: key, reconnection: false });
    const leaves = await keyLogLeaves(room);
    let claimed = 0;
    let refusal: ExceptionPayload | undefined;
    for (let i = 0; i < 50; i++) {
      // two commands a round, well within the connection's rate (L30)
      await sleep(100);
      const answer = await client.tryLogin(`hoard${pad(i)}`);
      if (answer !== 'joined') {
        refusal = answer;
        break;
      }
      claimed++;
      await client.send(ClientEvent.SessionLogout, {});
    }

    // before: all 50 names, 50 leaves kept for good; now the limit (20 by default)
    expect(claimed).toBe(PER_KEY);
    expect(refusal).toMatchObject({
      code: ErrorCode.NameLimit,
      event: ClientEvent.SessionLogin,
      message: expect.stringContaining(
        `already holds ${PER_KEY} names`,
      ) as string,
    });
    expect((await keyLogLeaves(room)) - leaves).toBe(PER_KEY);
    expect(await refusedFor(room)).toContain(ErrorCode.NameLimit);

    // its own names cost nothing to log in with again, on the same connection
    await sleep(100);
    expect(await client.tryLogin('hoard00')).toBe('joined');
    expect((await keyLogLeaves(room)) - leaves).toBe(PER_KEY);
    // another browser behind the same address is not held back
    await room.login('neighbour');
  }, 60_000);
});

describe('new names one address may claim in a day (A71)', () => {
  const PER_DAY = 8;
  const room = useChatRoom({ NAMES_PER_ADDRESS_PER_DAY: String(PER_DAY) });

  it('A71: one address claiming new names with a new identity key each time is refused past NAMES_PER_ADDRESS_PER_DAY, counted in the database across a restart', async () => {
    const leaves = await keyLogLeaves(room);
    const keys: IdentityKey[] = [];
    let refusal: ExceptionPayload | undefined;
    for (let i = 0; i < 30 && !refusal; i++) {
      const identity = await createIdentityKey();
      const client = await room.connect({ identity, reconnection: false });
      const answer = await client.tryLogin(`crowd${pad(i)}`);
      if (answer === 'joined') {
        keys.push(identity);
        await client.send(ClientEvent.SessionLogout, {});
      } else refusal = answer;
      client.close();
    }

    // before: all 30 names; now the day's budget
    expect(keys.length).toBe(PER_DAY);
    expect(refusal).toMatchObject({
      code: ErrorCode.NewNamesLimited,
      message: expect.stringContaining(`${PER_DAY} new names`) as string,
    });
    expect((await keyLogLeaves(room)) - leaves).toBe(PER_DAY);
    expect(await refusedFor(room)).toContain(ErrorCode.NewNamesLimited);

    // the count is the database's: a restart gives no new budget
    await room.server.restart();
    const latecomer = await room.connect({
      identity: await createIdentityKey(),
      reconnection: false,
    });
    expect(await latecomer.tryLogin('latecomer')).toMatchObject({
      code: ErrorCode.NewNamesLimited,
    });
    // a name already claimed is its key's to log in with again
    const back = await room.connect({ identity: keys[0], reconnection: false });
    expect(await back.tryLogin('crowd00')).toBe('joined');
    expect((await keyLogLeaves(room)) - leaves).toBe(PER_DAY);
  }, 60_000);
});
