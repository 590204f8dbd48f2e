import {
  KeyLogFreshness,
  consistencyProof,
  fromBase64,
  inclusionProof,
  leafHash,
  toBase64,
} from '@app/shared';

import type { CryptoService } from '../crypto/crypto.service';
import type { KeyLogLeafEntity } from './key-log-leaf.entity';
import type { KeyLogRepository } from './key-log.repository';
import { KeyLogService } from './key-log.service';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The stored leaves, as the repository would give them (several instances may add to them). */
function fakeRepository(rows: KeyLogLeafEntity[]): {
  repository: KeyLogRepository;
  read: number[];
} {
  const read: number[] = [];
  const repository = {
    from: (start: number) => {
      const found = rows.slice(start);
      read.push(found.length);
      return Promise.resolve(found);
    },
    latestFor: (name: string, size: number) =>
      Promise.resolve(
        rows
          .slice(0, size)
          .reverse()
          .find((row) => row.name === name) ?? null,
      ),
    recordHead: () => Promise.resolve(),
  } as unknown as KeyLogRepository;
  return { repository, read };
}

const signer = {
  sign: () => Promise.resolve(Buffer.from('signature')),
} as unknown as CryptoService;

const row = (index: number): KeyLogLeafEntity => ({
  index,
  name: `user${index}`,
  leaf: toBase64(Uint8Array.of(index & 0xff, index >> 8, 7)),
});

/** SHA-256 computations while `work` runs. */
async function hashesDuring(work: () => Promise<unknown>): Promise<number> {
  const digest = jest.spyOn(crypto.subtle, 'digest');
  try {
    await work();
    return digest.mock.calls.length;
  } finally {
    digest.mockRestore();
  }
}

describe('KeyLogService', () => {
  it('E65: signs the same head again once it is an hour old, so a quiet log still has a fresh one', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-08T10:00:00.000Z') });
    try {
      const { repository } = fakeRepository([row(0), row(1)]);
      const log = new KeyLogService(repository, signer);
      await log.onModuleInit();
      const first = await log.latestHead();
      jest.setSystemTime(Date.parse('2026-12-08T10:59:00.000Z'));
      expect(await log.latestHead()).toBe(first);
      jest.setSystemTime(Date.parse('2026-12-08T11:00:00.000Z'));
      const again = await log.latestHead();
      expect(again).toMatchObject({ size: 2, rootHash: first.rootHash });
      expect(again.timestamp).toBe('2026-12-08T11:00:00.000Z');
      expect(Date.parse(again.timestamp) - Date.parse(first.timestamp)).toBe(
        KeyLogFreshness.resignAfterMs,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('L70: at 10,000 leaves a proof and a consistency proof cost O(log n) hashes (not a walk over the log)', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i));
    const { repository } = fakeRepository(rows);
    const log = new KeyLogService(repository, signer);
    // the tree is built once (the first head)
    expect((await log.latestHead()).size).toBe(10_000);
    const bound = 4 * Math.log2(10_000); // about 53; recomputing costs about 10,000
    const costs = {
      proof: await hashesDuring(() => log.proof('user4321')),
      pastProof: await hashesDuring(() => log.proof('user4321', 9_999)),
      consistency: await hashesDuring(() => log.consistency(6_143, 10_000)),
      pastConsistency: await hashesDuring(() => log.consistency(1_234, 9_999)),
    };
    for (const [what, hashes] of Object.entries(costs))
      expect({ what, withinBound: hashes <= bound }).toEqual({
        what,
        withinBound: true,
      });
  }, 60_000);

  it('answers as the recomputed tree does, and catches up with leaves another instance appended by reading only those', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => row(i));
    const stored = rows.slice(0, 200);
    const { repository, read } = fakeRepository(stored);
    const log = new KeyLogService(repository, signer);
    await log.onModuleInit();
    expect(read).toEqual([200]);
    const hashes = await Promise.all(
      rows.map((r) => leafHash(fromBase64(r.leaf))),
    );
    // another instance appends 100 leaves: the next answer covers them, having read only them
    stored.push(...rows.slice(200));
    const head = await log.latestHead();
    expect(read).toEqual([200, 100]);
    expect(head.size).toBe(300);
    const proof = await log.proof('user150', 250);
    expect(proof).toMatchObject({ index: 150, size: 250 });
    expect(proof.path).toEqual(
      (await inclusionProof(150, hashes.slice(0, 250))).map(hex),
    );
    expect((await log.consistency(77, 300)).path).toEqual(
      (await consistencyProof(77, hashes)).map(hex),
    );
    // answered at once, they still read the database one at a time and append each leaf once
    stored.push(row(300));
    const sizes = await Promise.all([
      log.latestHead(),
      log.latestHead(),
      log.proof('user300'),
    ]);
    expect(sizes.map((s) => s.size)).toEqual([301, 301, 301]);
  });
});
