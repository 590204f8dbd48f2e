import {
  MerkleTree,
  fromBase64,
  leafHash,
  parseBindingLeaf,
  treeHeadBytes,
} from '@app/shared';
import type { EntityManager } from 'typeorm';

import type { CheckpointKey } from '../crypto/server-keys';
import { signedByServerKey } from '../crypto/server-signature';
import { typedNameKey } from '../identity/name-identity';
import { KeyLogHeadEntity } from './key-log-head.entity';
import { KeyLogLeafEntity } from './key-log-leaf.entity';

export interface KeyLogReport {
  intact: boolean;
  leaves: number;
  headsChecked: number;
  /** What does not hold, one line each (empty when intact). */
  problems: string[];
}

/**
 * `npm run kt:verify`: rebuilds the tree from the stored leaves and checks every head the
 * server signed: its root is the root of that many leaves, and a server key signed it (a
 * retired key only for heads from before its retirement).
 */
export async function verifyKeyLog(
  manager: EntityManager,
  keys: readonly CheckpointKey[],
): Promise<KeyLogReport> {
  const problems: string[] = [];
  const rows = await manager.find(KeyLogLeafEntity, {
    order: { index: 'ASC' },
  });
  // kept as it grows: the root of every head's size in O(log n), not a rebuild per head
  const tree = new MerkleTree();
  for (const row of rows) {
    if (row.index !== tree.size) {
      problems.push(`leaf ${tree.size} is missing (next stored: ${row.index})`);
      break;
    }
    const leaf = fromBase64(row.leaf);
    const binding = parseBindingLeaf(leaf);
    // the row is found by the folded name: it must fold the name the leaf binds
    if (!binding || typedNameKey(binding.name) !== row.name)
      problems.push(
        `leaf ${row.index} is not a binding of the name it is filed under`,
      );
    await tree.append(await leafHash(leaf));
  }
  const heads = await manager.find(KeyLogHeadEntity, { order: { id: 'ASC' } });
  for (const head of heads) {
    const what = `head of size ${head.size} signed ${head.timestamp}`;
    if (head.size > tree.size) {
      problems.push(`${what}: the log holds only ${tree.size} leaves`);
      continue;
    }
    const root = Buffer.from(await tree.root(head.size));
    if (root.toString('hex') !== head.rootHash)
      problems.push(`${what}: its root is not the root of those leaves`);
    const signed = signedByServerKey(
      treeHeadBytes(head),
      head.signature,
      head.timestamp,
      keys,
    );
    if (!signed) problems.push(`${what}: no server key signed it`);
  }
  return {
    intact: problems.length === 0,
    leaves: rows.length,
    headsChecked: heads.length,
    problems,
  };
}
