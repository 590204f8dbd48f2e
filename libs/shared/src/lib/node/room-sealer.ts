import { randomBytes } from 'node:crypto';

import {
  ROOM_FRAME_VERSION,
  type RoomEnvelope,
  roomAad,
  roomNonce,
} from '../crypto/room-frame';
import type { RoomKeyPayload } from '../protocol/payloads/session.payload';
import { sealAesGcm } from './aes-gcm';

/**
 * The server's side of the room key (see room-frame.ts): a random key per epoch, a sequence
 * number per frame. After a member leaves, the next frame begins a new epoch, so one rotation
 * covers every departure since the last frame (a presence batch of leaves costs one).
 */
export class RoomSealer {
  private epoch = 0;
  private key = randomBytes(32);
  private seq = 0;
  private stale = false;

  /** What a member is granted: this epoch's key, from the next frame on. */
  grant(): RoomKeyPayload {
    return {
      epoch: this.epoch,
      key: this.key.toString('base64'),
      seq: this.seq,
    };
  }

  /** A member left or was kicked: the key it holds must not open what comes next. */
  retire(): void {
    this.stale = true;
  }

  /** Begins the next epoch if a member left since the last frame; true when it did. */
  rotateIfStale(): boolean {
    if (!this.stale) return false;
    this.stale = false;
    this.epoch++;
    this.key = randomBytes(32);
    this.seq = 0;
    return true;
  }

  /** Seals one frame for the whole room (`plaintext` from `encodePayload`). */
  seal(event: string, plaintext: Uint8Array): RoomEnvelope {
    const seq = this.seq++;
    const box = sealAesGcm(
      this.key,
      roomNonce(seq),
      roomAad(this.epoch, event, seq),
      plaintext,
    );
    return { v: ROOM_FRAME_VERSION, epoch: this.epoch, seq, box };
  }
}
