import {
  type Hash,
  consistencyProof,
  inclusionProof,
  leafHash,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';
import { MerkleTree } from './merkle-tree';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const hexes = (hashes: Hash[]) => hashes.map(hex);

function leaves(count: number): Promise<Hash[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      leafHash(Uint8Array.of(i & 0xff, i >> 8, 42)),
    ),
  );
}

async function grown(hashes: readonly Hash[]): Promise<MerkleTree> {
  const tree = new MerkleTree();
  for (const hash of hashes) await tree.append(hash);
  return tree;
}

/** SHA-256 computations (leaf, node and empty hashes alike) while `work` runs. */
async function hashesDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; hashes: number }> {
  const digest = jest.spyOn(crypto.subtle, 'digest');
  try {
    const result = await work();
    return { result, hashes: digest.mock.calls.length };
  } finally {
    digest.mockRestore();
  }
}

/** Deterministic, so a failure names sizes that fail again. */
function* randomSizes(count: number, below: number): Generator<number> {
  let x = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    yield x % below;
  }
}

describe('MerkleTree (kept subtree hashes)', () => {
  it('gives the roots and proofs of the recomputed tree, byte for byte, for every past size up to 40, and from 70', async () => {
    const all = await leaves(70);
    // what the recomputing functions answer for the tree of m leaves
    const expected = [];
    for (let m = 0; m <= 70; m++) {
      const old = all.slice(0, m);
      const inclusions: string[][] = [];
      for (let index = 0; index < m; index++)
        inclusions.push(hexes(await inclusionProof(index, old)));
      const consistencies: string[][] = [];
      for (let from = 0; from <= m; from++)
        consistencies.push(hexes(await consistencyProof(from, old)));
      expected.push({
        root: hex(await treeHash(old)),
        inclusions,
        consistencies,
      });
    }
    const tree = new MerkleTree();
    for (let n = 0; n <= 70; n++) {
      if (n > 0) await tree.append(all[n - 1]);
      // every tree up to 40 (past 32, a second subtree), then the tree of 70 (past 64)
      if (n > 40 && n < 70) continue;
      // a tree of n leaves answers for every size it has had
      for (let m = 0; m <= n; m++) {
        const inclusions: string[][] = [];
        for (let index = 0; index < m; index++)
          inclusions.push(hexes(await tree.inclusionProof(index, m)));
        const consistencies: string[][] = [];
        for (let from = 0; from <= m; from++)
          consistencies.push(hexes(await tree.consistencyProof(from, m)));
        expect({
          n,
          m,
          root: hex(await tree.root(m)),
          inclusions,
          consistencies,
        }).toEqual({ n, m, ...expected[m] });
      }
    }
  }, 120_000);

  it('gives the same proofs as the recomputed tree at 10,000 leaves, and they verify', async () => {
    const all = await leaves(10_000);
    const tree = await grown(all);
    const sizes = [...randomSizes(3, 10_000)].map((s) => s + 1);
    for (const size of [...sizes, 10_000, 8193]) {
      const old = all.slice(0, size);
      const root = await treeHash(old);
      expect(hex(await tree.root(size))).toBe(hex(root));
      const [index] = randomSizes(1, size);
      const path = await tree.inclusionProof(index, size);
      expect(hexes(path)).toEqual(hexes(await inclusionProof(index, old)));
      expect(await verifyInclusion(index, size, all[index], path, root)).toBe(
        true,
      );
      const [from] = randomSizes(1, size + 1);
      const step = await tree.consistencyProof(from, size);
      expect(hexes(step)).toEqual(hexes(await consistencyProof(from, old)));
      expect(
        await verifyConsistency(
          from,
          size,
          await treeHash(all.slice(0, from)),
          root,
          step,
        ),
      ).toBe(true);
    }
  }, 120_000);

  it('L70: a proof and a consistency proof at 10,000 leaves cost O(log n) hashes, not O(n)', async () => {
    const all = await leaves(10_000);
    const tree = await grown(all);
    const bound = 4 * Math.log2(10_000); // about 53
    const costs: Record<string, number> = {};
    for (const [index, size] of [
      [0, 10_000],
      [9_999, 10_000],
      [4_321, 9_999],
      [5_000, 6_143],
    ])
      costs[`proof ${index} in ${size}`] = (
        await hashesDuring(() => tree.inclusionProof(index, size))
      ).hashes;
    for (const [from, to] of [
      [1, 10_000],
      [9_999, 10_000],
      [5_000, 9_999],
      [6_143, 8_191],
    ])
      costs[`consistency ${from} to ${to}`] = (
        await hashesDuring(() => tree.consistencyProof(from, to))
      ).hashes;
    costs['root of 9,999'] = (
      await hashesDuring(() => tree.root(9_999))
    ).hashes;
    for (const [what, hashes] of Object.entries(costs))
      expect({ what, withinBound: hashes <= bound }).toEqual({
        what,
        withinBound: true,
      });
    // appending costs about one node hash per leaf
    const appended = await hashesDuring(() => grown(all.slice(0, 1024)));
    expect(appended.hashes).toBe(1023);
  }, 60_000);

  it('refuses sizes and indexes outside the tree', async () => {
    const tree = await grown(await leaves(5));
    await expect(tree.root(6)).rejects.toThrow(RangeError);
    await expect(tree.inclusionProof(5, 5)).rejects.toThrow(RangeError);
    await expect(tree.inclusionProof(0, 6)).rejects.toThrow(RangeError);
    await expect(tree.consistencyProof(3, 6)).rejects.toThrow(RangeError);
    await expect(tree.consistencyProof(4, 3)).rejects.toThrow(RangeError);
  });
});
