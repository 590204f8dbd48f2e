import { createHash, type KeyObject, sign } from 'node:crypto';

import {
  type AuditCheckpointPayload,
  type ChainReportPayload,
  type UnsignedCheckpoint,
  checkpointBytes as checkpointEncoding,
} from '@app/shared';

import type { CheckpointKey } from '../crypto/server-keys';
import { pss, signedByServerKey } from '../crypto/server-signature';

/** The hash the first row chains to. */
export const GENESIS_HASH = '0'.repeat(64);
const ENCODING_VERSION = 'fuv-audit/v1';

/** The stored fields a row's hash covers, exactly as stored. */
export interface ChainRow {
  id: number;
  at: string;
  type: string;
  actor: string | null;
  target: string | null;
  detail: string;
}

export interface HashedRow extends ChainRow {
  hash: string;
}

/**
 * The canonical encoding of a row: a JSON array in a fixed field order, with a version tag.
 * JSON.stringify is deterministic for strings, integers and null, which is all a row holds.
 */
export function canonicalEncoding(row: ChainRow): string {
  return JSON.stringify([
    ENCODING_VERSION,
    row.id,
    row.at,
    row.type,
    row.actor,
    row.target,
    row.detail,
  ]);
}

/** hash = SHA-256(prev_hash ‖ canonical encoding of the row), hex. */
export function chainHash(prevHash: string, row: ChainRow): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalEncoding(row))
    .digest('hex');
}

const checkpointBytes = (checkpoint: UnsignedCheckpoint) =>
  Buffer.from(checkpointEncoding(checkpoint));

/** RSA-PSS-SHA256 signature of a checkpoint, base64 (the server signs with `CryptoService.sign`). */
export function signCheckpoint(
  checkpoint: UnsignedCheckpoint,
  privateKey: KeyObject,
): string {
  return sign('sha256', checkpointBytes(checkpoint), pss(privateKey)).toString(
    'base64',
  );
}

/**
 * True when one of the trusted keys made the signature: the current key, or a retired one for a
 * checkpoint dated before its retirement (whoever holds a retired, perhaps compromised, key
 * cannot sign later checkpoints; a backdated one is caught by `verifyChain`'s row dates).
 */
export function checkpointSignatureValid(
  checkpoint: UnsignedCheckpoint & { signature: string },
  keys: readonly CheckpointKey[],
): boolean {
  return signedByServerKey(
    checkpointBytes(checkpoint),
    checkpoint.signature,
    checkpoint.at,
    keys,
  );
}

/** Rows older than `maxAgeMs` (twice the checkpoint interval) must be under a checkpoint. */
export interface Coverage {
  maxAgeMs: number;
  now?: number;
}

/**
 * Recomputes the chain over rows streamed in id order and checks every checkpoint against it.
 * Stops at the first row that breaks the chain: an edited row (its hash no longer matches),
 * a deleted one (a gap in the ids), an inserted or reordered one (wrong id or wrong hash).
 * A chain rewritten wholesale after an edit verifies on its own but no longer matches the
 * signed checkpoints, which is reported too.
 */
export async function verifyChain(
  rows: AsyncIterable<HashedRow>,
  checkpoints: AuditCheckpointPayload[],
  keys: readonly CheckpointKey[],
  coverage?: Coverage,
): Promise<ChainReportPayload> {
  const started = Date.now();
  const wanted = new Set(checkpoints.map((c) => c.lastId));
  const seen = new Map<number, { hash: string; at: string }>();
  // rows this old must be under a signed checkpoint by now
  const staleBefore = coverage
    ? new Date((coverage.now ?? Date.now()) - coverage.maxAgeMs).toISOString()
    : undefined;
  let lastStaleId = 0;
  let prev = GENESIS_HASH;
  let expectedId = 1;
  let checked = 0;
  let verifiedUpTo = 0;
  let firstBreak: ChainReportPayload['firstBreak'];

  for await (const row of rows) {
    if (row.id !== expectedId) {
      firstBreak =
        row.id > expectedId
          ? {
              id: expectedId,
              problem: 'missing',
              message: `row #${expectedId} is missing (deleted)`,
            }
          : {
              id: row.id,
              problem: 'out_of_order',
              message: `row #${row.id} is out of order`,
            };
      break;
    }
    if (chainHash(prev, row) !== row.hash) {
      firstBreak = {
        id: row.id,
        problem: 'altered',
        message: `row #${row.id} does not match its hash (edited, inserted or swapped)`,
      };
      break;
    }
    prev = row.hash;
    checked++;
    verifiedUpTo = row.id;
    expectedId = row.id + 1;
    if (wanted.has(row.id)) seen.set(row.id, { hash: row.hash, at: row.at });
    // a checkpoint's own record always follows it: it needs no checkpoint of its own
    if (
      staleBefore !== undefined &&
      row.at < staleBefore &&
      row.type !== 'checkpoint_created'
    )
      lastStaleId = row.id;
  }

  const problems: ChainReportPayload['checkpointProblems'] = [];
  let coveredUpTo = 0;
  for (const checkpoint of checkpoints) {
    const row = seen.get(checkpoint.lastId);
    if (!checkpointSignatureValid(checkpoint, keys)) {
      problems.push({
        id: checkpoint.id,
        problem: 'bad_signature',
        message: `checkpoint ${checkpoint.id} has an invalid signature (or one by a key retired before it)`,
      });
    } else if (row && row.at > checkpoint.at) {
      problems.push({
        id: checkpoint.id,
        problem: 'backdated',
        message: `checkpoint ${checkpoint.id} is dated before row #${checkpoint.lastId} it covers`,
      });
    } else if (firstBreak === undefined && checkpoint.lastId > verifiedUpTo) {
      problems.push({
        id: checkpoint.id,
        problem: 'rows_missing',
        message: `checkpoint ${checkpoint.id} covers row #${checkpoint.lastId}, past the end of the log (rows deleted)`,
      });
    } else if (row && row.hash !== checkpoint.hash) {
      problems.push({
        id: checkpoint.id,
        problem: 'mismatch',
        message: `checkpoint ${checkpoint.id} disagrees with row #${checkpoint.lastId}: the log was rewritten up to there`,
      });
    } else if (row) {
      coveredUpTo = Math.max(coveredUpTo, checkpoint.lastId);
    }
  }
  // signed checkpoints deleted (and rows rewritten since): the old rows stand unwitnessed
  if (firstBreak === undefined && lastStaleId > coveredUpTo) {
    problems.push({
      id: 0,
      problem: 'uncovered',
      message: `rows #${coveredUpTo + 1} to #${lastStaleId} are older than twice the checkpoint interval and no signed checkpoint covers them (checkpoints deleted, or the server stopped without its final one)`,
    });
  }
  return {
    intact: firstBreak === undefined && problems.length === 0,
    rowsChecked: checked,
    verifiedUpTo,
    firstBreak,
    checkpointsChecked: checkpoints.length,
    checkpointProblems: problems,
    elapsedMs: Date.now() - started,
  };
}
