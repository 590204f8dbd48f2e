import { fromBase64 } from '../crypto/bytes';
import {
  DecryptFailedError,
  encodePayload,
  readEnvelope,
} from '../crypto/envelope';
import {
  RoomKey,
  type RoomEnvelope,
  readRoomEnvelope,
} from '../crypto/room-frame';
import { webCryptoChannels } from '../crypto/web-crypto-channel';
import type { RoomKeyPayload } from '../protocol/payloads/session.payload';
import { NodeChannel } from './node-channel';
import { RoomSealer } from './room-sealer';

const EVENT = 'message:created';

/** A member's key from the server's grant, opening on Web Crypto as the browser does. */
async function member(grant: RoomKeyPayload): Promise<RoomKey> {
  return new RoomKey(
    grant.epoch,
    grant.seq,
    await webCryptoChannels.roomKey(fromBase64(grant.key)),
  );
}

function frame(sealer: RoomSealer, text: string, event = EVENT) {
  return sealer.seal(event, encodePayload(event, { text }));
}

describe('room frames: RoomSealer (server) against RoomKey (browser)', () => {
  it('one sealed frame opens for every member holding the grant', async () => {
    const sealer = new RoomSealer();
    const grant = sealer.grant();
    const [alice, bob] = [await member(grant), await member(grant)];
    const sealed = frame(sealer, 'hello room');
    expect(await alice.open(EVENT, sealed)).toEqual({ text: 'hello room' });
    expect(await bob.open(EVENT, sealed)).toEqual({ text: 'hello room' });
  });

  it('refuses a replayed, tampered, renamed or non-room frame, consuming nothing', async () => {
    const sealer = new RoomSealer();
    const key = await member(sealer.grant());
    const first = frame(sealer, 'one');
    await key.open(EVENT, first);
    const second = frame(sealer, 'two');
    const flipped = Uint8Array.from(second.box);
    flipped[0] ^= 1;
    const session = frame(sealer, 'three', 'session:joined');
    for (const [event, envelope] of [
      [EVENT, first], // replayed
      [EVENT, { ...second, box: flipped }], // tampered
      ['user:typing', second], // renamed
      ['session:joined', session], // a member's own event never comes as a room frame
    ] as [string, RoomEnvelope][])
      await expect(key.open(event, envelope)).rejects.toThrow(
        DecryptFailedError,
      );
    expect(await key.open(EVENT, second)).toEqual({ text: 'two' });
  });

  it('a member opens nothing sealed before its grant', async () => {
    const sealer = new RoomSealer();
    const before = frame(sealer, 'before you came');
    const key = await member(sealer.grant());
    await expect(key.open(EVENT, before)).rejects.toThrow(DecryptFailedError);
    expect(await key.open(EVENT, frame(sealer, 'welcome'))).toEqual({
      text: 'welcome',
    });
  });

  it('after a departure the next frame is a new epoch under a new key: the old grant opens nothing', async () => {
    const sealer = new RoomSealer();
    const departed = sealer.grant();
    const stays = await member(departed);
    expect(sealer.rotateIfStale()).toBe(false);
    sealer.retire();
    sealer.retire(); // two leaves in one batch: one rotation
    expect(sealer.rotateIfStale()).toBe(true);
    expect(sealer.rotateIfStale()).toBe(false);
    const next = sealer.grant();
    expect(next.epoch).toBe(departed.epoch + 1);
    expect(next.key).not.toBe(departed.key);
    const later = frame(sealer, 'after you left');
    // the old key, even told the new epoch, does not open it
    const forged = new RoomKey(
      next.epoch,
      0,
      await webCryptoChannels.roomKey(fromBase64(departed.key)),
    );
    await expect(forged.open(EVENT, later)).rejects.toThrow(DecryptFailedError);
    await expect(stays.open(EVENT, later)).rejects.toThrow(DecryptFailedError);
    expect(await (await member(next)).open(EVENT, later)).toEqual({
      text: 'after you left',
    });
  });

  it('keeps the kinds apart: a room frame is no session envelope, and the reverse', () => {
    const sealer = new RoomSealer();
    const room = frame(sealer, 'room');
    const session = new NodeChannel(
      new Uint8Array(32),
      new Uint8Array(32),
      's2c',
    ).seal(EVENT, { text: 'session' });
    expect(readEnvelope(room, 1 << 20)).toBeUndefined();
    expect(readRoomEnvelope(session, 1 << 20)).toBeUndefined();
    expect(readRoomEnvelope(room, 1 << 20)).toEqual(room);
  });
});
