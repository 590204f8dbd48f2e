import { ErrorCode } from '@app/shared';

import { DailyAllowance, MessageStorageQuota } from './message-quota';

const DAY = 24 * 60 * 60_000;

describe('DailyAllowance', () => {
  it('L76: a day’s worth at once, then what has drained since', () => {
    const allowance = new DailyAllowance(1000);
    allowance.spend('a', 1000, 0);
    expect(allowance.waitFor('a', 1, 0)).toBeGreaterThan(0);
    // a quarter of a day drains a quarter of the allowance
    expect(allowance.left('a', DAY / 4)).toBeCloseTo(250);
    expect(allowance.waitFor('a', 250, DAY / 4)).toBe(0);
    expect(allowance.waitFor('a', 500, DAY / 4)).toBe(DAY / 4);
    // other keys are untouched
    expect(allowance.left('b', 0)).toBe(1000);
  });

  it('forgets keys whose spending has drained, and the oldest past its bound', () => {
    const allowance = new DailyAllowance(1000, 3);
    allowance.spend('a', 10, 0);
    allowance.spend('a', -10, 0);
    expect(allowance.size).toBe(0);
    for (const key of ['a', 'b', 'c', 'd']) allowance.spend(key, 100, 0);
    expect(allowance.size).toBe(3);
    expect(allowance.left('a', 0)).toBe(1000);
    expect(allowance.left('d', 0)).toBe(900);
  });
});

describe('MessageStorageQuota', () => {
  const quota = {
    userBytesPerDay: 100,
    addressBytesPerDay: 150,
    minFreeBytes: 0,
  };
  const sqlite = {
    type: 'sqlite' as const,
    path: '/data/chat.sqlite',
    busyTimeoutMs: 1,
  };
  const ann = { key: 'ann', addressHash: 'home' };
  const bob = { key: 'bob', addressHash: 'home' };
  const eve = { key: 'eve', addressHash: 'elsewhere' };

  it('L76: bounds each name, and all the names of one address together', async () => {
    const storage = new MessageStorageQuota(quota, sqlite);
    await storage.spend(ann, 100, 0);
    await expect(storage.spend(ann, 1, 0)).rejects.toMatchObject({
      code: ErrorCode.QuotaExceeded,
      message: expect.stringMatching(/^You have stored/),
    });
    await storage.spend(bob, 50, 0);
    // a second name of the same address finds the address's allowance spent
    await expect(storage.spend(bob, 1, 0)).rejects.toMatchObject({
      code: ErrorCode.QuotaExceeded,
      message: expect.stringMatching(/^Your network/),
    });
    // another address is not affected
    await storage.spend(eve, 100, 0);
    // a refusal spends nothing; a refund gives back
    storage.refund(ann, 100, 0);
    await storage.spend(ann, 0, 0);
    await expect(storage.spend(bob, 1, 0)).resolves.toBeUndefined();
  });

  it('L76: refuses while the SQLite database’s disk is below the floor, reading it once a second', async () => {
    let free = 10;
    const read = jest.fn(async (dir: string) => {
      expect(dir).toBe('/data');
      return free;
    });
    const storage = new MessageStorageQuota(
      { ...quota, minFreeBytes: 20 },
      sqlite,
      read,
    );
    await expect(storage.spend(ann, 1, 0)).rejects.toMatchObject({
      code: ErrorCode.QuotaExceeded,
      message: expect.stringMatching(/low on disk space/),
    });
    free = 30;
    await expect(storage.spend(ann, 1, 500)).rejects.toThrow(/low on disk/);
    await expect(storage.spend(ann, 1, 1000)).resolves.toBeUndefined();
    expect(read).toHaveBeenCalledTimes(2);
    // PostgreSQL keeps its own disk: not read here
    const postgres = new MessageStorageQuota(
      { ...quota, minFreeBytes: 20 },
      { type: 'postgres', url: 'postgres://x' },
      read,
    );
    await postgres.spend(ann, 1, 0);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
