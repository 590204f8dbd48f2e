import { constants, type KeyObject, verify } from 'node:crypto';

import { PSS_SALT_BYTES } from '@app/shared';

import type { CheckpointKey } from './server-keys';

/** RSA-PSS with SHA-256 and a 32-byte salt: how the server key signs everything it signs. */
export const pss = (key: KeyObject) => ({
  key,
  padding: constants.RSA_PKCS1_PSS_PADDING,
  saltLength: PSS_SALT_BYTES,
});

/**
 * True when one of the trusted server keys signed `bytes`: the current key, or a retired one for
 * something dated (`at`) before its retirement (whoever holds a retired, perhaps compromised,
 * key cannot sign later things). Audit checkpoints and key-log tree heads are checked this way.
 */
export function signedByServerKey(
  bytes: Uint8Array,
  signature: string,
  at: string,
  keys: readonly CheckpointKey[],
): boolean {
  const signed = Buffer.from(signature, 'base64');
  return keys.some(({ key, retiredAt }) => {
    if (retiredAt !== undefined && at > retiredAt) return false;
    try {
      return verify('sha256', bytes, pss(key), signed);
    } catch {
      return false;
    }
  });
}
