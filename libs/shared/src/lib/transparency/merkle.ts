/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0): tree hashes, inclusion
 * proofs and consistency proofs, and their verification. The key-transparency log is one such
 * tree; the server builds proofs, browsers verify them. Leaves are given by their leaf hashes
 * (`leafHash`), the only form a log needs to keep. SHA-256 is Web Crypto's (async), the same in
 * Node and in the browser.
 */
import { concatBytes } from '../crypto/bytes';

export type Hash = Uint8Array;

async function sha256(bytes: Uint8Array): Promise<Hash> {
  return new Uint8Array(
    await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>),
  );
}

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(entry: Uint8Array): Promise<Hash> {
  return sha256(concatBytes(LEAF, entry));
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Promise<Hash> {
  return sha256(concatBytes(NODE, left, right));
}

/** The largest power of two smaller than `n` (n > 1): where a tree of `n` leaves splits. */
export function treeSplit(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) over leaf hashes. */
async function subtreeHash(
  leaves: readonly Hash[],
  start: number,
  end: number,
): Promise<Hash> {
  const n = end - start;
  if (n === 0) return sha256(new Uint8Array());
  if (n === 1) return leaves[start];
  const k = treeSplit(n);
  return nodeHash(
    await subtreeHash(leaves, start, start + k),
    await subtreeHash(leaves, start + k, end),
  );
}

/** The tree head's hash of a log holding `leaves` (leaf hashes); the empty tree's is SHA-256(""). */
export function treeHash(leaves: readonly Hash[]): Promise<Hash> {
  return subtreeHash(leaves, 0, leaves.length);
}

/**
 * The hash of leaves `start` to `end` (exclusive) of one tree: recomputed from its leaves here,
 * kept by `MerkleTree`. The proofs below ask only for subtrees of that tree.
 */
export type SubtreeHash = (start: number, end: number) => Promise<Hash>;

/** PATH(m, D[n]) (§2.1.3.1): the audit path of leaf `index` in the tree of `leaves`. */
export function inclusionProof(
  index: number,
  leaves: readonly Hash[],
): Promise<Hash[]> {
  return inclusionPath(index, leaves.length, (start, end) =>
    subtreeHash(leaves, start, end),
  );
}

/** PATH(m, D[size]) with the tree's subtrees given by `subtree`. */
export async function inclusionPath(
  index: number,
  size: number,
  subtree: SubtreeHash,
): Promise<Hash[]> {
  if (!Number.isInteger(index) || index < 0 || index >= size)
    throw new RangeError('leaf index outside the tree');
  const path: Hash[] = [];
  // from the root down, each step adds the sibling subtree; the path lists them leaf first
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = treeSplit(end - start);
    if (index < start + k) {
      path.push(await subtree(start + k, end));
      end = start + k;
    } else {
      path.push(await subtree(start, start + k));
      start += k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[n]) (§2.1.4.1): that the tree of the first `size` leaves is a prefix of `leaves`. */
export function consistencyProof(
  size: number,
  leaves: readonly Hash[],
): Promise<Hash[]> {
  return consistencyPath(size, leaves.length, (start, end) =>
    subtreeHash(leaves, start, end),
  );
}

/** PROOF(size, D[treeSize]) with the larger tree's subtrees given by `subtree`. */
export async function consistencyPath(
  size: number,
  treeSize: number,
  subtree: SubtreeHash,
): Promise<Hash[]> {
  if (!Number.isInteger(size) || size < 0 || size > treeSize)
    throw new RangeError('tree size outside the log');
  if (size === 0 || size === treeSize) return [];
  const proof: Hash[] = [];
  // SUBPROOF(m, D[start:end], whole): unrolled from the root down, siblings collected leaf first
  let m = size;
  let start = 0;
  let end = treeSize;
  let whole = true;
  while (m !== end - start) {
    const k = treeSplit(end - start);
    if (m <= k) {
      proof.push(await subtree(start + k, end));
      end = start + k;
    } else {
      proof.push(await subtree(start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(await subtree(start, end));
  return proof.reverse();
}

function equal(a: Hash, b: Hash): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Whether `proof` shows the leaf hash `leaf` at `index` in the tree of `size` with hash `root` (§2.1.3.2). */
export async function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): Promise<boolean> {
  if (!Number.isInteger(index) || !Number.isInteger(size)) return false;
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else r = await nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/**
 * Whether `proof` shows that the tree of `first` leaves with hash `firstRoot` is a prefix of the
 * tree of `second` leaves with hash `secondRoot` (§2.1.4.2). Equal sizes need equal hashes and
 * an empty proof; an empty first tree is a prefix of any tree.
 */
export async function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): Promise<boolean> {
  if (!Number.isInteger(first) || !Number.isInteger(second)) return false;
  if (first < 0 || first > second) return false;
  if (first === 0) return proof.length === 0;
  if (first === second)
    return proof.length === 0 && equal(firstRoot, secondRoot);
  if (proof.length === 0) return false;
  // a first tree that is a whole subtree is the proof's starting point itself
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else sr = await nodeHash(sr, c);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}
