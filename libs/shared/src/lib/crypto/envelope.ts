import { ClientEvent } from '../protocol/client-event';
import { ServerEvent } from '../protocol/server-event';
import {
  asBytes,
  concatBytes,
  fromBase64Within,
  fromUtf8,
  utf8,
} from './bytes';

/**
 * The sealed envelope: how every payload after the handshake travels, in both directions.
 *
 * - `box` is AES-256-GCM ciphertext followed by its 16-byte tag, under the sender's
 *   per-connection, per-direction key.
 * - The 96-bit nonce is not sent: it is the direction byte, three zero bytes and the 64-bit
 *   sequence number, so it never repeats under a key (keys are fresh for every connection).
 * - The associated data binds the format version, the direction, the Socket.IO event name and
 *   the sequence number; the receiver accepts exactly the next sequence number, so a replayed,
 *   reordered, reflected or re-targeted envelope fails to open.
 *
 * Version 2 will carry end-to-end encrypted private content inside this layer.
 */
export interface SealedEnvelope {
  /** Envelope format version. */
  v: number;
  /** Per-direction sequence number, starting at 0 for each connection. */
  seq: number;
  /** Ciphertext and GCM tag. */
  box: Uint8Array;
}

/**
 * An envelope as Socket.IO carries it: `box` as bytes, or for a small box its base64 text. A
 * binary Socket.IO event is two WebSocket messages (a text header, then the bytes); a text one
 * is one, which halves the writes of a busy server's broadcasts. File chunks stay binary.
 */
export interface WireEnvelope {
  v: number;
  seq: number;
  box: Uint8Array | string;
}

/** Boxes up to this size travel as base64 text (a chat message's box is a few hundred bytes). */
export const TEXT_BOX_MAX_BYTES = 8 * 1024;

export const ENVELOPE_VERSION = 1;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

export type Direction = 'c2s' | 's2c';

const DIRECTION_BYTE: Record<Direction, number> = { c2s: 1, s2c: 2 };

/** The one error any failed open gives, whatever was wrong. */
export class DecryptFailedError extends Error {
  constructor() {
    super('decrypt_failed');
    this.name = 'DecryptFailedError';
  }
}

export function envelopeNonce(direction: Direction, seq: number): Uint8Array {
  const nonce = new Uint8Array(NONCE_BYTES);
  const view = new DataView(nonce.buffer);
  view.setUint8(0, DIRECTION_BYTE[direction]);
  view.setBigUint64(4, BigInt(seq));
  return nonce;
}

export function envelopeAad(
  direction: Direction,
  event: string,
  seq: number,
): Uint8Array {
  return utf8(
    `fuv-chat/envelope/v${ENVELOPE_VERSION}\n${direction}\n${event}\n${seq}`,
  );
}

/** Shape check before any crypto: exactly `{ v, seq, box }` with sane values (box bytes or base64). */
export function readEnvelope(
  value: unknown,
  maxBoxBytes: number,
): SealedEnvelope | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 3) return undefined;
  const { v, seq, box } = value as Record<string, unknown>;
  const bytes =
    typeof box === 'string'
      ? fromBase64Within(box, TEXT_BOX_MAX_BYTES)
      : asBytes(box);
  if (
    v !== ENVELOPE_VERSION ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    seq < 0 ||
    !bytes ||
    bytes.length < TAG_BYTES ||
    bytes.length > maxBoxBytes
  ) {
    return undefined;
  }
  return { v, seq, box: bytes };
}

/**
 * Events whose payload carries raw bytes (`data`): their plaintext is a 4-byte header length,
 * the JSON of the other fields, then the bytes, so a 48 KB chunk is not inflated by base64.
 */
const BINARY_EVENTS: ReadonlySet<string> = new Set([
  ClientEvent.FileChunk,
  ServerEvent.FileData,
]);

export function encodePayload(event: string, payload: unknown): Uint8Array {
  if (!BINARY_EVENTS.has(event)) return utf8(JSON.stringify(payload));
  const { data, ...rest } = payload as { data: Uint8Array };
  const header = utf8(JSON.stringify(rest));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.length);
  return concatBytes(length, header, data);
}

/** Opened plaintext must be a JSON object (plus bytes for binary events); anything else is a failed open. */
export function decodePayload(
  event: string,
  plaintext: Uint8Array,
): Record<string, unknown> {
  try {
    if (!BINARY_EVENTS.has(event))
      return asObject(JSON.parse(fromUtf8(plaintext)));
    const view = new DataView(
      plaintext.buffer,
      plaintext.byteOffset,
      plaintext.byteLength,
    );
    const length = view.getUint32(0);
    const header = asObject(
      JSON.parse(fromUtf8(plaintext.subarray(4, 4 + length))),
    );
    return { ...header, data: plaintext.slice(4 + length) };
  } catch {
    throw new DecryptFailedError();
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw new DecryptFailedError();
}
