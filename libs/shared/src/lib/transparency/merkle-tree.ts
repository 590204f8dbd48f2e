/**
 * An RFC 9162 tree kept as it grows (L70): the hash of every complete subtree is stored once,
 * so the root, an inclusion proof or a consistency proof of the tree at any size it has had
 * costs O(log n) hashes instead of recomputing the tree from its leaves. The proofs are those
 * of `merkle.ts` (the same traversal), byte for byte.
 */
import {
  type Hash,
  consistencyPath,
  inclusionPath,
  nodeHash,
  treeHash,
  treeSplit,
} from './merkle';

export class MerkleTree {
  /**
   * `levels[h][i]`: the hash of leaves i·2^h to (i+1)·2^h (exclusive), kept once that subtree
   * is complete; `levels[0]` holds the leaf hashes. About two hashes per leaf in all.
   */
  private readonly levels: Hash[][] = [[]];

  /** The number of leaves. */
  get size(): number {
    return this.levels[0].length;
  }

  /**
   * Appends a leaf hash (`leafHash`): one node hash per subtree it completes, one on average.
   * One append at a time: await each before the next.
   */
  async append(leaf: Hash): Promise<void> {
    const index = this.size;
    // the subtrees this leaf completes, smallest first: computed before anything is kept, so
    // that a proof asked meanwhile sees the tree as it was
    const completed: Hash[] = [];
    let node = leaf;
    for (let h = 0, i = index; i % 2 === 1; h++, i = Math.floor(i / 2)) {
      node = await nodeHash(this.levels[h][i - 1], node);
      completed.push(node);
    }
    if (this.size !== index)
      throw new Error('MerkleTree: one append at a time');
    this.levels[0].push(leaf);
    completed.forEach((hash, h) => (this.levels[h + 1] ??= []).push(hash));
  }

  /** The root of the tree of the first `size` leaves (the tree head's hash). */
  async root(size = this.size): Promise<Hash> {
    this.checkSize(size);
    return size === 0 ? treeHash([]) : this.subtree(0, size);
  }

  /** The audit path of leaf `index` in the tree of the first `size` leaves. */
  async inclusionProof(index: number, size = this.size): Promise<Hash[]> {
    this.checkSize(size);
    return inclusionPath(index, size, (start, end) => this.subtree(start, end));
  }

  /** The consistency proof from the tree of `from` leaves to the tree of `to`. */
  async consistencyProof(from: number, to = this.size): Promise<Hash[]> {
    this.checkSize(to);
    return consistencyPath(from, to, (start, end) => this.subtree(start, end));
  }

  private checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size)
      throw new RangeError('tree size outside the log');
  }

  /**
   * MTH(D[start:end]): kept when it is a complete subtree; otherwise (only the right edge of a
   * smaller tree) its left part is kept and its right part recursed into, one level at a time.
   */
  private async subtree(start: number, end: number): Promise<Hash> {
    const n = end - start;
    const height = Math.log2(n);
    if (Number.isInteger(height) && start % n === 0)
      return this.levels[height][start / n];
    const k = treeSplit(n);
    return nodeHash(
      await this.subtree(start, start + k),
      await this.subtree(start + k, end),
    );
  }
}
