import { randomUUID } from 'node:crypto';

import { ClientEvent, ErrorCode, ServerEvent } from '@app/shared';
import type { ChatClient } from '@app/testing';

import { useChatRoom } from './support/chat-room';
import { sleep } from './support/test-server';

const from = (address: string) => ({
  extraHeaders: { 'X-Forwarded-For': address },
});

/**
 * What became of the public messages a client sent: each is delivered (its own copy came back,
 * live or in a history page) or refused (an exception naming its client id), or neither yet.
 */
function outcomes(client: ChatClient, clientIds: readonly string[]) {
  const delivered = new Set(
    client
      .publicMessages()
      .filter((m) => m.from === client.username)
      .map((m) => m.clientId),
  );
  const refused = new Map(
    client
      .all(ServerEvent.Exception)
      .filter((e) => e.clientId !== undefined)
      .map((e) => [e.clientId as string, e]),
  );
  const ids = { delivered: 0, refused: 0, lost: [] as string[] };
  for (const id of clientIds) {
    if (delivered.has(id)) ids.delivered++;
    else if (refused.has(id)) ids.refused++;
    else ids.lost.push(id);
  }
  return { ...ids, busy: [...refused.values()] };
}

/** Sends a public message and waits for its answer: delivered, or refused. */
async function sendAndWait(client: ChatClient, text: string): Promise<string> {
  const clientId = randomUUID();
  await client.send(ClientEvent.MessageSend, { clientId, text });
  await client.until(
    () => outcomes(client, [clientId]).lost.length === 0,
    `the answer to ${text}`,
    30_000,
  );
  return clientId;
}

describe('fair shares of the room (L74)', () => {
  // a small room budget so a few connections can use it up: 200 deliveries a second
  const room = useChatRoom({
    TRUSTED_PROXIES: 'loopback',
    ROOM_DELIVERIES_PER_SECOND: '200',
  });

  it("L74: eight connections of one address flooding the room: a bystander's 30 messages all go through; every message is delivered or refused, none lost", async () => {
    const flooders: ChatClient[] = [];
    for (let i = 0; i < 8; i++)
      flooders.push(await room.login(`flood${i}`, from('198.51.100.1')));
    const bystander = await room.login('bystander', from('198.51.100.2'));
    // a room of 9: each message costs 9; the flood asks 8 × 15 a second (1,080 deliveries)
    const sent = new Map<ChatClient, string[]>(flooders.map((f) => [f, []]));
    let flooding = true;
    const flood = flooders.map(async (flooder, i) => {
      for (let n = 0; flooding; n++) {
        const clientId = randomUUID();
        sent.get(flooder)!.push(clientId);
        await flooder.send(ClientEvent.MessageSend, {
          clientId,
          text: `flood ${i}.${n}`,
        });
        await sleep(66);
      }
    });
    // the bystander: one message at a time, 300 ms apart (30 deliveries a second, inside a
    // fifth of the budget)
    const mine: string[] = [];
    try {
      for (let n = 0; n < 30; n++) {
        mine.push(await sendAndWait(bystander, `hello ${n}`));
        await sleep(300);
      }
    } finally {
      flooding = false;
      await Promise.all(flood);
    }

    // nothing lost: every message sent ends delivered or refused (generous: a loaded machine)
    for (const flooder of flooders)
      await flooder.until(
        () => outcomes(flooder, sent.get(flooder)!).lost.length === 0,
        'an answer to every message',
        30_000,
      );
    const theirs = flooders.map((f) => outcomes(f, sent.get(f)!));
    const asked = flooders.reduce((sum, f) => sum + sent.get(f)!.length, 0);
    const served = theirs.reduce((sum, o) => sum + o.delivered, 0);
    const refused = theirs.reduce((sum, o) => sum + o.refused, 0);
    const own = outcomes(bystander, mine);
    console.log(
      `L74: bystander ${own.delivered}/${mine.length} delivered (${own.refused} refused); ` +
        `flood ${served}/${asked} delivered, ${refused} refused`,
    );
    // a connection closed under a sender is the one way a message can go unanswered (its client
    // sees the close, and a browser's outbox sends it again): none was closed here
    flooders.forEach((f, i) =>
      expect({
        lost: theirs[i].lost.length,
        disconnects: f.disconnects,
        failures: f.failures,
      }).toEqual({ lost: 0, disconnects: 0, failures: [] }),
    );
    expect(served + refused).toBe(asked);
    // every refusal says why, and is the room being busy
    for (const o of theirs)
      for (const e of o.busy)
        expect(e).toMatchObject({
          code: ErrorCode.RateLimited,
          message: expect.stringMatching(/room is busy/) as unknown,
        });
    // the bystander lost nothing and was never told to wait
    expect(own).toMatchObject({ delivered: 30, refused: 0, lost: [] });
    // the flood was slowed down, yet still got what the bystander left
    expect(refused).toBeGreaterThan(0);
    expect(served).toBeGreaterThan(0);
    expect(flooders.every((f) => f.socket.connected)).toBe(true);
  }, 90_000);
});

describe('fair admission of connections not logged in (L75)', () => {
  // a pool of 20 connections not logged in, each address a tenth of it
  const room = useChatRoom({
    TRUSTED_PROXIES: 'loopback',
    MAX_UNAUTHENTICATED: '20',
    // long enough that idle connections are still there when the newcomer comes
    LOGIN_TIMEOUT_MS: '60000',
  });
  /** Five connections at once from `address` that never log in: those admitted. */
  const occupy = async (address: string, count = 5) => {
    const attempts = await Promise.all(
      Array.from({ length: count }, () =>
        room.connect({ ...from(address), reconnection: false }),
      ),
    );
    for (const refused of attempts.filter((c) => c.connectErrors.length > 0))
      expect(refused.connectErrors).toEqual([ErrorCode.RateLimited]);
    return attempts.filter((c) => c.connectErrors.length === 0);
  };

  it('L75: ten addresses holding connections that never log in: a user from an eleventh gets in; a full pool makes room by closing the fullest address’s idle one, told why', async () => {
    const held: ChatClient[][] = [];
    for (let i = 0; i < 10; i++) held.push(await occupy(`203.0.113.${i}`));
    const total = held.reduce((sum, h) => sum + h.length, 0);
    console.log(
      `L75: ten addresses hold ${total} of 20 places (${held.map((h) => h.length).join(', ')})`,
    );
    // nobody can take more than their share, however often they try
    for (let i = 0; i < 10; i++)
      expect(await occupy(`203.0.113.${i}`, 1)).toEqual([]);

    // the newcomer from an eleventh address is admitted and logs in
    const newcomer = await room.connect({
      ...from('198.51.100.11'),
      reconnection: false,
    });
    console.log(
      `L75: newcomer from an eleventh address: ${newcomer.connectErrors[0] ?? 'admitted'}`,
    );
    expect(newcomer.connectErrors).toEqual([]);
    await newcomer.requestLogin('newcomer');
    await newcomer.next(ServerEvent.SessionJoined);

    // more addresses fill the pool to the brim; one more still gets in, in the place of an idle
    // connection of the fullest address, which is told why it is closed
    for (let i = 20; total + (i - 20) < 20; i++)
      expect(await occupy(`203.0.113.${i}`, 1)).toHaveLength(1);
    const late = await room.connect({
      ...from('198.51.100.12'),
      reconnection: false,
    });
    expect(late.connectErrors).toEqual([]);
    const idle = held.flat();
    const told = (c: ChatClient) =>
      c
        .all(ServerEvent.Exception)
        .some((e) => e.code === ErrorCode.NotLoggedIn);
    const deadline = Date.now() + 15_000;
    while (!idle.some(told) && Date.now() < deadline) await sleep(50);
    const evicted = idle.filter(told);
    expect(evicted).toHaveLength(1);
    expect(evicted[0].all(ServerEvent.Exception)[0]).toMatchObject({
      code: ErrorCode.NotLoggedIn,
      message: 'Closed: not logged in, and the server needed the place.',
    });
    await evicted[0].until(
      () => !evicted[0].socket.connected,
      'closed',
      10_000,
    );
    // it came from one of the addresses holding the most
    const most = Math.max(...held.map((h) => h.length));
    expect(held.find((h) => h.includes(evicted[0]))).toHaveLength(most);
  }, 90_000);
});
