/**
 * What an end-to-end message carries inside its encryption: the text and the sender's latest
 * accepted key-log head. The head travels where the server cannot change it, so the receiver can
 * check it against its own (E57): a server that shows two people different logs is caught as
 * soon as they write to each other.
 */
import { fromUtf8, toBase64, utf8 } from '../crypto/bytes';
import { type FileSecret, asFileSecret } from '../crypto/file-cipher';
import { isSingleEmoji } from '../emoji/emoji-shortcodes';
import type { E2eePayload } from '../protocol/payloads/e2ee.payload';
import type { TreeHeadPayload } from '../protocol/payloads/transparency.payload';

const TAG = 'fuv-e2ee-content/v1';
/** A private file's secret: its own tag, so a file is never shown as a message or the reverse. */
const FILE_TAG = 'fuv-e2ee-file/v1';
/** A reaction to a private message, as private as the message. */
const REACTION_TAG = 'fuv-e2ee-reaction/v1';

export interface E2eeContent {
  text: string;
  head?: TreeHeadPayload;
}

export function encodeE2eeContent(content: E2eeContent): Uint8Array {
  return utf8(JSON.stringify([TAG, content.text, content.head ?? null]));
}

function isHead(value: unknown): value is TreeHeadPayload {
  const head = value as Partial<TreeHeadPayload> | null;
  return (
    typeof head === 'object' &&
    head !== null &&
    Number.isInteger(head.size) &&
    typeof head.rootHash === 'string' &&
    typeof head.timestamp === 'string' &&
    typeof head.signature === 'string'
  );
}

/** `[tag, body, head]` with the head checked, or undefined for another tag or shape. */
function decodeTagged(
  bytes: Uint8Array,
  tag: string,
): { body: unknown; head?: TreeHeadPayload } | undefined {
  try {
    const fields: unknown = JSON.parse(fromUtf8(bytes));
    if (!Array.isArray(fields) || fields.length !== 3 || fields[0] !== tag)
      return undefined;
    const [, body, head] = fields as unknown[];
    if (head === null) return { body };
    if (!isHead(head)) return undefined;
    const { size, rootHash, timestamp, signature } = head;
    return { body, head: { size, rootHash, timestamp, signature } };
  } catch {
    return undefined;
  }
}

/** The content, or undefined for bytes that are not one (another version, another kind). */
export function decodeE2eeContent(bytes: Uint8Array): E2eeContent | undefined {
  const decoded = decodeTagged(bytes, TAG);
  if (typeof decoded?.body !== 'string') return undefined;
  return decoded.head
    ? { text: decoded.body, head: decoded.head }
    : { text: decoded.body };
}

export interface E2eeFileContent {
  file: FileSecret;
  head?: TreeHeadPayload;
}

export function encodeE2eeFile(content: E2eeFileContent): Uint8Array {
  return utf8(JSON.stringify([FILE_TAG, content.file, content.head ?? null]));
}

export function decodeE2eeFile(bytes: Uint8Array): E2eeFileContent | undefined {
  const decoded = decodeTagged(bytes, FILE_TAG);
  const file = decoded && asFileSecret(decoded.body);
  if (!file) return undefined;
  return decoded.head ? { file, head: decoded.head } : { file };
}

/** The wire form of an MLS message of the conversation `conversation` (inside a private message). */
export function e2eePayload(
  kind: E2eePayload['kind'],
  conversation: Uint8Array,
  mls: Uint8Array,
): E2eePayload {
  return {
    v: 1,
    kind,
    conversation: toBase64(conversation),
    mls: toBase64(mls),
  };
}

/** My reaction (`on`) to the private message `privateId`, or taking it back. */
export interface E2eeReaction {
  privateId: string;
  emoji: string;
  on: boolean;
}

export function encodeE2eeReaction(reaction: E2eeReaction): Uint8Array {
  const { privateId, emoji, on } = reaction;
  return utf8(JSON.stringify([REACTION_TAG, { privateId, emoji, on }, null]));
}

export function decodeE2eeReaction(
  bytes: Uint8Array,
): E2eeReaction | undefined {
  const body = decodeTagged(bytes, REACTION_TAG)?.body as
    | Partial<E2eeReaction>
    | undefined;
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof body.privateId !== 'string' ||
    body.privateId.length > 64 ||
    typeof body.emoji !== 'string' ||
    !isSingleEmoji(body.emoji) ||
    typeof body.on !== 'boolean'
  )
    return undefined;
  return { privateId: body.privateId, emoji: body.emoji, on: body.on };
}
