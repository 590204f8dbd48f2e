import { FixedWindowLimiter, TokenBucket } from './rate-limiter';

describe('FixedWindowLimiter', () => {
  it('allows `limit` events per key and window, then blocks until the window passes', () => {
    const limiter = new FixedWindowLimiter(3, 1000);
    expect([1, 2, 3, 4].map(() => limiter.take('a', 0))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.blocked('a', 999)).toBe(true);
    expect(limiter.take('a', 1000)).toBe(true);
  });

  it('L31: keeps at most maxKeys keys, however many addresses a flood uses', () => {
    const limiter = new FixedWindowLimiter(5, 60_000, 100);
    for (let i = 0; i < 5000; i++) limiter.hit(`address-${i}`, i);
    expect(limiter.size).toBeLessThanOrEqual(101);
    // the newest keys are the ones kept
    expect(limiter.blocked('address-4999', 5000)).toBe(false);
    for (let i = 0; i < 4; i++) limiter.hit('address-4999', 5000);
    expect(limiter.blocked('address-4999', 5000)).toBe(true);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the steady rate', () => {
    const bucket = new TokenBucket(10, 5, 0);
    const burst = Array.from({ length: 7 }, () => bucket.take(0));
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    // 10 per second: one more token every 100 ms
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
    // never more than the burst saved up
    expect(
      Array.from({ length: 8 }, () => bucket.take(60_000)).filter(Boolean),
    ).toHaveLength(5);
  });
});
