import type { AuditCheckpointPayload } from '../protocol/payloads/audit.payload';
import { bufferSource, fromBase64, utf8 } from './bytes';
import { PSS_SALT_BYTES } from './handshake';

export type UnsignedCheckpoint = Pick<
  AuditCheckpointPayload,
  'lastId' | 'hash' | 'count' | 'at'
>;

/** The exact bytes a checkpoint's RSA-PSS signature covers: the server signs them, anyone checks. */
export function checkpointBytes(checkpoint: UnsignedCheckpoint): Uint8Array {
  const { lastId, hash, count, at } = checkpoint;
  return utf8(
    JSON.stringify(['fuv-audit-checkpoint/v1', lastId, hash, count, at]),
  );
}

/** Web Crypto check of a checkpoint against the server key (RSA-PSS-SHA256 `verify` key). */
export async function checkpointSignedBy(
  checkpoint: AuditCheckpointPayload,
  serverKey: CryptoKey,
): Promise<boolean> {
  try {
    return await crypto.subtle.verify(
      { name: 'RSA-PSS', saltLength: PSS_SALT_BYTES },
      serverKey,
      bufferSource(fromBase64(checkpoint.signature)),
      bufferSource(checkpointBytes(checkpoint)),
    );
  } catch {
    return false;
  }
}
