import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/**
 * AES-256-GCM and HKDF on `node:crypto`, written once for everything that runs in Node: the
 * server's session channels and cluster seal, and the Node load tools' channels and files. A box
 * is the ciphertext followed by the 16-byte tag.
 */
const TAG_BYTES = 16;

export function sealAesGcm(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(aad);
  return Buffer.concat([
    cipher.update(plaintext),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
}

/** The plaintext; throws for a box that does not open (any reason). */
export function openAesGcm(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  box: Uint8Array,
): Buffer {
  if (box.length < TAG_BYTES) throw new Error('box too short');
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(aad);
  decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(box.subarray(0, box.length - TAG_BYTES)),
    decipher.final(),
  ]);
}

/** A 32-byte key from HKDF-SHA-256. */
export function hkdfKey(
  secret: Uint8Array,
  salt: Uint8Array | string,
  info: string,
): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, info, 32));
}
