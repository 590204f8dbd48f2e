import { ServerEvent } from '../protocol/server-event';
import { asBytes, fromBase64Within, utf8 } from './bytes';
import {
  DecryptFailedError,
  NONCE_BYTES,
  TAG_BYTES,
  decodePayload,
} from './envelope';

/**
 * The room's frames: what the server says to every member (public messages, presence, room
 * typing, reactions, audit checkpoints) is sealed once under the room key, and the same bytes
 * are written to every member's socket, as plain Socket.IO's broadcast does.
 *
 * - The room key is random. Each member gets it over its own session channel (`room:key`) when
 *   it joins; the server draws a new one (the next epoch) before the first frame after a member
 *   leaves or is kicked, so a departed member cannot open later traffic.
 * - The nonce is a kind byte of its own (3; session frames use 1 and 2) and the 64-bit room
 *   sequence number; a key is used for one epoch only, so it never repeats under a key.
 * - The associated data binds this format's version, the epoch, the event name and the
 *   sequence number. A member accepts only the epoch it was given and only a sequence number
 *   above the last it opened, so a replayed, renamed or old-epoch frame does not open.
 * - The wire shape has four fields (`v`, `epoch`, `seq`, `box`) where a session envelope has
 *   three, and its own key: a frame of one kind is never accepted as the other.
 */
export interface RoomEnvelope {
  v: number;
  epoch: number;
  seq: number;
  box: Uint8Array;
}

/** As Socket.IO carries it: a small box as base64 text (one WebSocket message, not two). */
export interface WireRoomEnvelope {
  v: number;
  epoch: number;
  seq: number;
  box: Uint8Array | string;
}

export const ROOM_FRAME_VERSION = 1;
const ROOM_NONCE_KIND = 3;

/** The events the server may send as room frames; any other in a room frame is refused. */
export const ROOM_EVENTS: ReadonlySet<string> = new Set([
  ServerEvent.MessageCreated,
  ServerEvent.Presence,
  ServerEvent.UserTyping,
  ServerEvent.ReactionUpdated,
  ServerEvent.AuditCheckpoint,
]);

export function roomNonce(seq: number): Uint8Array {
  const nonce = new Uint8Array(NONCE_BYTES);
  const view = new DataView(nonce.buffer);
  view.setUint8(0, ROOM_NONCE_KIND);
  view.setBigUint64(4, BigInt(seq));
  return nonce;
}

export function roomAad(epoch: number, event: string, seq: number): Uint8Array {
  return utf8(
    `fuv-chat/room/v${ROOM_FRAME_VERSION}\n${epoch}\n${event}\n${seq}`,
  );
}

/** True for a value shaped as a room frame (its `epoch` field): the client routes it here. */
export function isRoomFrame(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'epoch' in value;
}

/** Shape check before any crypto: exactly `{ v, epoch, seq, box }` with sane values. */
export function readRoomEnvelope(
  value: unknown,
  maxBoxBytes: number,
): RoomEnvelope | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Object.keys(value).length !== 4) return undefined;
  const { v, epoch, seq, box } = value as Record<string, unknown>;
  const bytes =
    typeof box === 'string' ? fromBase64Within(box, maxBoxBytes) : asBytes(box);
  if (
    v !== ROOM_FRAME_VERSION ||
    !isCount(epoch) ||
    !isCount(seq) ||
    !bytes ||
    bytes.length < TAG_BYTES ||
    bytes.length > maxBoxBytes
  )
    return undefined;
  return { v, epoch, seq, box: bytes };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** AES-256-GCM decryption under one key; rejects for a box that does not open. */
export type RoomDecrypt = (
  nonce: Uint8Array,
  aad: Uint8Array,
  box: Uint8Array,
) => Promise<Uint8Array>;

/**
 * One epoch's room key as a member holds it. `next` is the first sequence number the grant
 * allows (frames sealed before the member joined are not its to open). Callers open in wire
 * order, one at a time.
 */
export class RoomKey {
  constructor(
    readonly epoch: number,
    private next: number,
    private readonly decrypt: RoomDecrypt,
  ) {}

  /** Opens a room frame; any failure is one `DecryptFailedError` and consumes nothing. */
  async open(
    event: string,
    envelope: RoomEnvelope,
  ): Promise<Record<string, unknown>> {
    const { epoch, seq } = envelope;
    if (!ROOM_EVENTS.has(event) || epoch !== this.epoch || seq < this.next)
      throw new DecryptFailedError();
    let plaintext: Uint8Array;
    try {
      plaintext = await this.decrypt(
        roomNonce(seq),
        roomAad(epoch, event, seq),
        envelope.box,
      );
    } catch {
      throw new DecryptFailedError();
    }
    this.next = seq + 1;
    return decodePayload(event, plaintext);
  }
}
