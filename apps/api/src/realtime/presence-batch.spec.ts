import type { PresenceChange } from '@app/shared';

import { PresenceBatch, presenceTickMs } from './presence-batch';

const joined = (username: string): PresenceChange => ({
  joined: { user: { username, since: '' }, at: '' },
});

describe('PresenceBatch', () => {
  it('sends nothing when nothing came or went', () => {
    expect(new PresenceBatch().take()).toBeUndefined();
  });

  it('opens a batch with its first change only, and empties it when taken', () => {
    const batch = new PresenceBatch();
    expect(batch.add(joined('a'))).toBe(true);
    expect(batch.add(joined('b'))).toBe(false);
    expect(batch.take()?.changes).toEqual([joined('a'), joined('b')]);
    expect(batch.take()).toBeUndefined();
    expect(batch.add(joined('c'))).toBe(true);
  });

  it('gives a member listed during a batch only the changes its list did not hold', () => {
    const batch = new PresenceBatch();
    batch.add(joined('a'));
    batch.listed('m1'); // m1's list holds a
    batch.add(joined('b'));
    batch.listed('m2'); // m2's list holds a and b
    const flush = batch.take();
    expect(flush?.changes).toEqual([joined('a'), joined('b')]);
    expect(flush?.partial).toEqual(
      new Map([
        ['m1', [joined('b')]],
        ['m2', []],
      ]),
    );
    // from the next batch on, they get everything, as everyone does
    batch.add(joined('c'));
    expect(batch.take()?.partial).toEqual(new Map());
  });

  it('forgets a member that left before the batch went out', () => {
    const batch = new PresenceBatch();
    batch.add(joined('a'));
    batch.listed('m1');
    batch.forget('m1');
    batch.add(joined('b'));
    expect(batch.take()?.partial.size).toBe(0);
  });
});

describe('presenceTickMs', () => {
  it('batches a small room every 100 ms, a large one longer, never past a second', () => {
    expect([0, 100, 500, 2000, 5000, 50_000].map(presenceTickMs)).toEqual([
      100, 100, 100, 400, 1000, 1000,
    ]);
  });
});
