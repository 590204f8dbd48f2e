/**
 * A browser's identity key: it owns the browser's name. Each login signs the transport
 * handshake's transcript with it, so a login proves possession of the key on this very
 * connection and cannot be replayed on another.
 */
import type { IdentityProofPayload } from '../protocol/payloads/session.payload';
import {
  bufferSource,
  concatBytes,
  framed,
  toBase64,
  utf8,
} from '../crypto/bytes';

/** ECDSA P-256: Web Crypto keeps its private half non-extractable in every browser and in Node. */
export const IDENTITY_KEY_ALGORITHM = {
  name: 'ECDSA',
  namedCurve: 'P-256',
} as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const PROOF_TAG = 'fuv-chat/identity-proof/v1';

/** DER SubjectPublicKeyInfo of a P-256 key; a proof's signature is IEEE P1363 r || s. */
export const IDENTITY_SPKI_BYTES = 91;
export const IDENTITY_SIGNATURE_BYTES = 64;

/**
 * What every such key's encoding starts with: the SEQUENCE and algorithm (id-ecPublicKey,
 * prime256v1) headers, the BIT STRING header and 04, an uncompressed point. With the length
 * fixed too, one key has one encoding (the key log compares keys as bytes); the point itself
 * must still be checked to lie on the curve.
 */
export const IDENTITY_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
  0x04,
]);

/** Whether the bytes have the one encoding of a P-256 public key (not whether the point is valid). */
export function isIdentitySpkiEncoding(spki: Uint8Array): boolean {
  return (
    spki.length === IDENTITY_SPKI_BYTES &&
    IDENTITY_SPKI_PREFIX.every((byte, i) => spki[i] === byte)
  );
}

export interface IdentityKey {
  /** Non-extractable in the browser: no script, ours included, can read it out. */
  privateKey: CryptoKey;
  /** DER SubjectPublicKeyInfo: what the server binds the name to and the log publishes. */
  spki: Uint8Array;
}

export async function createIdentityKey(): Promise<IdentityKey> {
  const pair = await crypto.subtle.generateKey(IDENTITY_KEY_ALGORITHM, false, [
    'sign',
    'verify',
  ]);
  return {
    privateKey: pair.privateKey,
    spki: new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)),
  };
}

/** The exact bytes a login's signature covers: the connection's transcript hash and the name. */
export function identityProofBytes(
  transcriptHash: Uint8Array,
  username: string,
): Uint8Array {
  return concatBytes(
    framed(utf8(PROOF_TAG)),
    framed(transcriptHash),
    framed(utf8(username)),
  );
}

/** The identity key's ECDSA P-256 / SHA-256 signature (IEEE P1363) over `bytes`. */
export async function signWithIdentity(
  identity: IdentityKey,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.sign(SIGNING, identity.privateKey, bufferSource(bytes)),
  );
}

/** Whether the identity key `spki` signed `bytes`; false for anything malformed. */
export async function signedByIdentity(
  spki: Uint8Array,
  signature: Uint8Array,
  bytes: Uint8Array,
): Promise<boolean> {
  if (signature.length !== IDENTITY_SIGNATURE_BYTES) return false;
  try {
    const key = await crypto.subtle.importKey(
      'spki',
      bufferSource(spki),
      IDENTITY_KEY_ALGORITHM,
      false,
      ['verify'],
    );
    return await crypto.subtle.verify(
      SIGNING,
      key,
      bufferSource(signature),
      bufferSource(bytes),
    );
  } catch {
    return false;
  }
}

export async function proveIdentity(
  identity: IdentityKey,
  transcriptHash: Uint8Array,
  username: string,
): Promise<IdentityProofPayload> {
  const signature = await signWithIdentity(
    identity,
    identityProofBytes(transcriptHash, username),
  );
  return { key: toBase64(identity.spki), signature: toBase64(signature) };
}
