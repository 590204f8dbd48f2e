import { createHash } from 'node:crypto';

import {
  type Hash,
  consistencyProof,
  inclusionProof,
  leafHash,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sha = (...parts: Uint8Array[]) =>
  new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());

/**
 * The naive tree: every level built from the one below, pairing left to right and carrying an
 * odd last node up unchanged. Independent of the recursive definition the code follows, and
 * the same tree for every size.
 */
function naiveRoot(entries: Uint8Array[]): string {
  if (entries.length === 0) return hex(sha());
  let level: Uint8Array[] = entries.map((e) => sha(Uint8Array.of(0), e));
  while (level.length > 1) {
    const up: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      up.push(
        i + 1 < level.length
          ? sha(Uint8Array.of(1), level[i], level[i + 1])
          : level[i],
      );
    level = up;
  }
  return hex(level[0]);
}

const MAX = 33;
const entries = Array.from({ length: MAX }, (_, i) =>
  Uint8Array.of(i, i * 7, 255 - i),
);
let leaves: Hash[] = [];
const roots: Hash[] = [];

beforeAll(async () => {
  leaves = await Promise.all(entries.map((e) => leafHash(e)));
  for (let n = 0; n <= MAX; n++) roots.push(await treeHash(leaves.slice(0, n)));
});

function flipped(proof: Hash[], at: number): Hash[] {
  return proof.map((p, i) => {
    if (i !== at) return p;
    const copy = p.slice();
    copy[0] ^= 1;
    return copy;
  });
}

describe('RFC 9162 Merkle tree', () => {
  it('has the hash of the naive full recomputation at every size from 0 to 33', () => {
    for (let n = 0; n <= MAX; n++)
      expect(hex(roots[n])).toBe(naiveRoot(entries.slice(0, n)));
  });

  it("matches Certificate Transparency's test vector (eight leaves)", async () => {
    const vector = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ].map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
    const hashes = await Promise.all(vector.map((e) => leafHash(e)));
    expect(hex(await treeHash(hashes))).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
    expect(hex(await treeHash([]))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('proves every leaf of every tree up to 33, and no proof survives a changed byte, index, size or leaf', async () => {
    for (let n = 1; n <= MAX; n++) {
      const tree = leaves.slice(0, n);
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(m, tree);
        expect(await verifyInclusion(m, n, leaves[m], proof, roots[n])).toBe(
          true,
        );
        if (proof.length > 0)
          expect(
            await verifyInclusion(
              m,
              n,
              leaves[m],
              flipped(proof, m % proof.length),
              roots[n],
            ),
          ).toBe(false);
        if (n > 1) {
          const other = (m + 1) % n;
          expect(
            await verifyInclusion(other, n, leaves[m], proof, roots[n]),
          ).toBe(false);
          expect(
            await verifyInclusion(m, n, leaves[other], proof, roots[n]),
          ).toBe(false);
        }
        // the same path in the next tree (its own head): the leaf is not proven there
        if (n < MAX)
          expect(
            await verifyInclusion(m, n + 1, leaves[m], proof, roots[n + 1]),
          ).toBe(false);
      }
    }
  }, 30_000); // real SHA-256 many thousand times: slow on a busy machine, not a timing test

  it('proves every tree up to 33 consistent with each of its prefixes, and nothing else', async () => {
    for (let n = 1; n <= MAX; n++) {
      const tree = leaves.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(m, tree);
        expect(await verifyConsistency(m, n, roots[m], roots[n], proof)).toBe(
          true,
        );
        if (m === n) continue;
        // a log that rewrote an old leaf: the old head no longer fits
        const rewritten = [...tree];
        rewritten[m - 1] = await leafHash(Uint8Array.of(0xee));
        const forged = await consistencyProof(m, rewritten);
        expect(
          await verifyConsistency(
            m,
            n,
            roots[m],
            await treeHash(rewritten),
            forged,
          ),
        ).toBe(false);
        expect(
          await verifyConsistency(
            m,
            n,
            roots[m],
            roots[n],
            flipped(proof, (m + n) % proof.length),
          ),
        ).toBe(false);
        if (m + 1 < n)
          expect(
            await verifyConsistency(m + 1, n, roots[m + 1], roots[n], proof),
          ).toBe(false);
      }
    }
  }, 30_000); // real SHA-256 many thousand times: slow on a busy machine, not a timing test

  it('takes the empty tree as a prefix of any tree, and refuses sizes that do not make sense', async () => {
    expect(await verifyConsistency(0, 5, roots[0], roots[5], [])).toBe(true);
    expect(await verifyConsistency(5, 3, roots[5], roots[3], [])).toBe(false);
    expect(await verifyConsistency(3, 3, roots[3], roots[4], [])).toBe(false);
    expect(await verifyInclusion(-1, 3, leaves[0], [], roots[3])).toBe(false);
    // a path too short for the size it claims: right hash, wrong tree
    const ofTwo = await inclusionProof(0, leaves.slice(0, 2));
    expect(await verifyInclusion(0, 2, leaves[0], ofTwo, roots[2])).toBe(true);
    expect(await verifyInclusion(0, 3, leaves[0], ofTwo, roots[2])).toBe(false);
    const twoOfFour = await consistencyProof(2, leaves.slice(0, 4));
    expect(await verifyConsistency(2, 4, roots[2], roots[4], twoOfFour)).toBe(
      true,
    );
    expect(await verifyConsistency(2, 5, roots[2], roots[4], twoOfFour)).toBe(
      false,
    );
    await expect(inclusionProof(3, leaves.slice(0, 3))).rejects.toThrow(
      RangeError,
    );
    await expect(consistencyProof(4, leaves.slice(0, 3))).rejects.toThrow(
      RangeError,
    );
  });
});
