import { ClientEvent, ServerEvent, type WireRoomEnvelope } from '@app/shared';
import type { ChatClient } from '@app/testing';

import { useChatRoom } from './support/chat-room';
import { ADMIN_TOKEN } from './support/test-server';

/** Every raw frame a client's socket receives, before the client opens it. */
function captureFrames(client: ChatClient): [string, unknown][] {
  const frames: [string, unknown][] = [];
  client.socket.onAny((event: string, frame: unknown) =>
    frames.push([event, frame]),
  );
  return frames;
}

function roomFrames(
  frames: [string, unknown][],
  event: string,
): WireRoomEnvelope[] {
  return frames
    .filter(([e, f]) => e === event && typeof f === 'object' && 'epoch' in f!)
    .map(([, f]) => f as WireRoomEnvelope);
}

/** Hands `frame` to the client as if it had arrived on its socket (a replay, or a sniffed frame). */
function arrive(client: ChatClient, event: string, frame: unknown): void {
  (
    client.socket as unknown as {
      onevent(packet: { type: number; data: unknown[] }): void;
    }
  ).onevent({ type: 2, data: [event, frame] });
}

describe('room frames: one seal per broadcast under a room key (issue 14)', () => {
  const room = useChatRoom();

  it('a public message is one room frame: the same bytes on every member’s socket, opened by each; what is addressed to one member keeps its own seal', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const [aliceFrames, bobFrames] = [captureFrames(alice), captureFrames(bob)];
    alice.say('to the whole room');
    await bob.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'to the whole room',
    );
    await alice.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'to the whole room',
    );
    const [mine] = roomFrames(aliceFrames, ServerEvent.MessageCreated);
    const [theirs] = roomFrames(bobFrames, ServerEvent.MessageCreated);
    expect(mine).toBeDefined();
    expect(theirs).toEqual(mine);
    expect(JSON.stringify(mine)).not.toContain('to the whole room');

    // a private message is sealed for each of the two alone (no room frame)
    alice.whisper('bob', 'just us');
    await bob.next(ServerEvent.PrivateMessageCreated);
    const privateFrames = bobFrames.filter(
      ([e]) => e === ServerEvent.PrivateMessageCreated,
    );
    expect(privateFrames).toHaveLength(1);
    expect(Object.keys(privateFrames[0][1] as object).sort()).toEqual([
      'box',
      'seq',
      'v',
    ]);
  });

  it('a member who logs out or is kicked cannot open later room traffic: the next frame is a new epoch under a new key', async () => {
    const alice = await room.login('alice');
    const carol = await room.login('carol');
    const dave = await room.login('dave');
    const [aliceFrames, carolFrames] = [
      captureFrames(alice),
      captureFrames(carol),
    ];
    alice.say('before');
    await carol.next(ServerEvent.MessageCreated, (m) => m.text === 'before');
    const [before] = roomFrames(carolFrames, ServerEvent.MessageCreated);

    await carol.send(ClientEvent.SessionLogout, {});
    await alice.next(ServerEvent.UserLeft, (u) => u.username === 'carol');
    alice.say('after carol');
    await alice.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'after carol',
    );
    const afterCarol = roomFrames(aliceFrames, ServerEvent.MessageCreated).at(
      -1,
    )!;
    expect(afterCarol.epoch).toBeGreaterThan(before.epoch);
    // carol's socket is still open, but she is out of the room: nothing more reaches it
    expect(roomFrames(carolFrames, ServerEvent.MessageCreated)).toHaveLength(1);

    // what carol could sniff does not open with the key she kept, under either epoch label
    for (const frame of [afterCarol, { ...afterCarol, epoch: before.epoch }])
      arrive(carol, ServerEvent.MessageCreated, frame);
    await carol.until(
      () => carol.failures.length >= 2,
      'two refused room frames',
    );
    expect(carol.failures).toEqual(['decrypt_failed', 'decrypt_failed']);
    expect(carol.publicMessages().map((m) => m.text)).not.toContain(
      'after carol',
    );

    // a kick rotates the key as well
    const response = await fetch(
      `${room.server.url}/api/admin/users/dave/kick`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    expect(response.status).toBe(200);
    await alice.next(ServerEvent.UserLeft, (u) => u.username === 'dave');
    alice.say('after dave');
    await alice.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'after dave',
    );
    const afterDave = roomFrames(aliceFrames, ServerEvent.MessageCreated).at(
      -1,
    )!;
    expect(afterDave.epoch).toBeGreaterThan(afterCarol.epoch);
    expect(alice.failures).toEqual([]);
    expect(dave.failures).toEqual([]);
  });

  it('a dropped connection rotates the key too: its member may come back elsewhere, or be kicked there', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const frames = captureFrames(alice);
    alice.say('before the drop');
    await alice.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'before the drop',
    );
    bob.socket.io.engine.close();
    // the new connection's handshake comes after the server saw the old one close
    await bob.until(() => bob.readyCount > 1, 'bob reconnected');
    alice.say('after the drop');
    await alice.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'after the drop',
    );
    const [before, after] = roomFrames(frames, ServerEvent.MessageCreated);
    expect(after.epoch).toBeGreaterThan(before.epoch);
    expect(alice.failures).toEqual([]);
  });

  it('a replayed room frame, or one from an epoch the member was not given, is refused by the client', async () => {
    const alice = await room.login('alice');
    const frames = captureFrames(alice);
    alice.say('once');
    await alice.next(ServerEvent.MessageCreated, (m) => m.text === 'once');
    const [frame] = roomFrames(frames, ServerEvent.MessageCreated);
    arrive(alice, ServerEvent.MessageCreated, frame);
    arrive(alice, ServerEvent.MessageCreated, {
      ...frame,
      epoch: frame.epoch + 1,
      seq: frame.seq + 1,
    });
    await alice.until(() => alice.failures.length >= 2, 'two refusals');
    expect(alice.failures).toEqual(['decrypt_failed', 'decrypt_failed']);
    expect(
      alice.publicMessages().filter((m) => m.text === 'once'),
    ).toHaveLength(1);
  });
});
