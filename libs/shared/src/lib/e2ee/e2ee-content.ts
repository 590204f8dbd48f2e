/**
 * What an end-to-end message carries inside its encryption: the text and the sender's latest
 * accepted key-log head. The head travels where the server cannot change it, so the receiver can
 * check it against its own (E57): a server that shows two people different logs is caught as
 * soon as they write to each other.
 */
import { fromUtf8, toBase64, utf8 } from '../crypto/bytes';
import type { E2eePayload } from '../protocol/payloads/e2ee.payload';
import type { TreeHeadPayload } from '../protocol/payloads/transparency.payload';

const TAG = 'fuv-e2ee-content/v1';

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

/** The content, or undefined for bytes that are not one (another version, another kind). */
export function decodeE2eeContent(bytes: Uint8Array): E2eeContent | undefined {
  try {
    const fields: unknown = JSON.parse(fromUtf8(bytes));
    if (!Array.isArray(fields) || fields.length !== 3 || fields[0] !== TAG)
      return undefined;
    const [, text, head] = fields as unknown[];
    if (typeof text !== 'string') return undefined;
    if (head === null) return { text };
    if (!isHead(head)) return undefined;
    const { size, rootHash, timestamp, signature } = head;
    return { text, head: { size, rootHash, timestamp, signature } };
  } catch {
    return undefined;
  }
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
