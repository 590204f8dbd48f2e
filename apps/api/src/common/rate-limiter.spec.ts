import {
  FairShareBudget,
  FixedWindowLimiter,
  TokenBucket,
} from './rate-limiter';

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

describe('FairShareBudget (L74)', () => {
  /** Requests every `stepMs` for `seconds`: how many of each sender's were served. */
  const run = (
    budget: FairShareBudget,
    senders: { path: string[]; everyMs: number }[],
    cost: number,
    seconds: number,
  ) => {
    const served = senders.map(() => 0);
    const asked = senders.map(() => 0);
    for (let now = 0; now < seconds * 1000; now++)
      senders.forEach((sender, i) => {
        if (now % sender.everyMs !== 0) return;
        asked[i]++;
        if (budget.take(sender.path, cost, now)) served[i]++;
      });
    return { served, asked };
  };

  it('alone, a sender may use the whole budget', () => {
    const budget = new FairShareBudget(100, 20, 0);
    // 10 units each, 100 a second: a second's worth at once, then the steady rate
    const { served } = run(budget, [{ path: ['a', 'x'], everyMs: 1 }], 10, 5);
    expect(served[0]).toBeGreaterThanOrEqual(10 + 4 * 10 - 1);
    expect(served[0]).toBeLessThanOrEqual(10 + 5 * 10 + 1);
  });

  it('25 senders of one address flooding: a bystander within its share loses nothing, and the total stays within the budget', () => {
    const budget = new FairShareBudget(100, 20, 0);
    const flood = Array.from({ length: 25 }, (_, i) => ({
      path: ['attacker', `m${i}`],
      everyMs: 50,
    }));
    // the bystander: 2 messages a second at 7 units, inside its 20 a second
    const { served, asked } = run(
      budget,
      [...flood, { path: ['bystander', 'b'], everyMs: 500 }],
      7,
      10,
    );
    expect(served.at(-1)).toBe(asked.at(-1));
    const total = served.reduce((sum, n) => sum + n, 0) * 7;
    // at most the rate, plus what is saved up (the pool's second and a share's debt)
    expect(total).toBeLessThanOrEqual(100 * 10 + 2 * 100);
    // and the flood still gets what nobody else wants
    expect(total).toBeGreaterThan(100 * 10 * 0.8);
  });

  it('the senders of one address share its part: one of them flooding leaves the other theirs', () => {
    const budget = new FairShareBudget(100, 20, 0);
    const { served, asked } = run(
      budget,
      [
        { path: ['campus', 'flooder'], everyMs: 5 },
        { path: ['campus', 'quiet'], everyMs: 1000 },
        { path: ['outside', 'other'], everyMs: 2 },
      ],
      5,
      10,
    );
    expect(served[1]).toBe(asked[1]);
  });

  it('shares shrink to an equal part when more addresses want the budget than the percentage allows', () => {
    const budget = new FairShareBudget(100, 50, 0);
    // four flooding addresses and a bystander at a tenth of the budget: a fifth each is fair
    const senders = [
      ...['a', 'b', 'c', 'd'].map((a) => ({ path: [a, a], everyMs: 10 })),
      { path: ['e', 'e'], everyMs: 100 },
    ];
    const { served, asked } = run(budget, senders, 1, 10);
    expect(served[4]).toBe(asked[4]);
  });

  it('forgets keys that stopped asking, and keeps at most maxKeys', () => {
    const budget = new FairShareBudget(100, 20, 0, 50);
    for (let i = 0; i < 1000; i++) budget.take([`address-${i}`, 'x'], 1, i);
    expect(budget.size).toBeLessThanOrEqual(51);
    budget.take(['late', 'x'], 1, 100_000);
    expect(budget.size).toBe(2);
  });
});
