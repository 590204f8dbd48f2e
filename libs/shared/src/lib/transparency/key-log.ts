/**
 * What the key-transparency log holds and signs: each leaf binds a name to an identity key (or
 * releases it), and each tree head is signed by the server's RSA key. Both encodings are the exact
 * bytes that are hashed or signed; a version tag in front keeps them apart from every other
 * signed thing (audit checkpoints, handshakes).
 */
import { fromUtf8, utf8 } from '../crypto/bytes';
import { pssSignedBy } from '../crypto/pss';

const LEAF_TAG = 'fuv-kt-binding/v1';
const HEAD_TAG = 'fuv-kt-tree-head/v1';

/** `bind`: the name now belongs to `key`; `release`: to nobody (expired or released by an admin). */
export type BindingKind = 'bind' | 'release';

export interface Binding {
  kind: BindingKind;
  name: string;
  /** The identity key's SPKI, base64; empty for `release`. */
  key: string;
  /** When the log took it in (ISO 8601). */
  at: string;
}

/** The leaf's bytes (what `leafHash` hashes). */
export function bindingLeaf(binding: Binding): Uint8Array {
  const { kind, name, key, at } = binding;
  return utf8(JSON.stringify([LEAF_TAG, kind, name, key, at]));
}

/** The binding a leaf holds, or undefined for bytes that are not exactly one. */
export function parseBindingLeaf(leaf: Uint8Array): Binding | undefined {
  try {
    const fields: unknown = JSON.parse(fromUtf8(leaf));
    if (!Array.isArray(fields) || fields.length !== 5 || fields[0] !== LEAF_TAG)
      return undefined;
    const [, kind, name, key, at] = fields as unknown[];
    if (
      (kind !== 'bind' && kind !== 'release') ||
      typeof name !== 'string' ||
      typeof key !== 'string' ||
      typeof at !== 'string'
    )
      return undefined;
    const binding: Binding = { kind, name, key, at };
    // one encoding only: anything else (spaces, escapes) is not a leaf of this log
    const again = bindingLeaf(binding);
    return again.length === leaf.length && again.every((b, i) => b === leaf[i])
      ? binding
      : undefined;
  } catch {
    return undefined;
  }
}

export interface UnsignedTreeHead {
  size: number;
  /** Lowercase hex. */
  rootHash: string;
  /** When the server signed it (ISO 8601). */
  timestamp: string;
}

/** The exact bytes a tree head's RSA-PSS signature covers. */
export function treeHeadBytes(head: UnsignedTreeHead): Uint8Array {
  const { size, rootHash, timestamp } = head;
  return utf8(JSON.stringify([HEAD_TAG, size, rootHash, timestamp]));
}

/** Web Crypto check of a signed tree head against the server key (RSA-PSS-SHA256 `verify` key). */
export function treeHeadSignedBy(
  head: UnsignedTreeHead & { signature: string },
  serverKey: CryptoKey,
): Promise<boolean> {
  return pssSignedBy(treeHeadBytes(head), head.signature, serverKey);
}
