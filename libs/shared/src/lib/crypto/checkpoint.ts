import type { AuditCheckpointPayload } from '../protocol/payloads/audit.payload';
import { utf8 } from './bytes';
import { pssSignedBy } from './pss';

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
export function checkpointSignedBy(
  checkpoint: AuditCheckpointPayload,
  serverKey: CryptoKey,
): Promise<boolean> {
  return pssSignedBy(
    checkpointBytes(checkpoint),
    checkpoint.signature,
    serverKey,
  );
}
