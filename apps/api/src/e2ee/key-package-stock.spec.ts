import { KEY_PACKAGE_LIMITS, KeyPackageStock } from './key-package-stock';

describe('KeyPackageStock (E73)', () => {
  let at: number;
  let stock: KeyPackageStock;
  const packages = (n: number, prefix = 'p') =>
    Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  beforeEach(() => {
    at = 1_000_000;
    stock = new KeyPackageStock(() => at);
  });

  it('hands out each single-use package once, then the last-resort one, then nothing without it', () => {
    stock.publish('bob', ['a', 'b'], 'last');
    expect(stock.claim('alice', 'bob')).toMatchObject({
      claimed: { package: 'a', lastResort: false },
    });
    expect(stock.claim('carol', 'bob')).toMatchObject({
      claimed: { package: 'b', lastResort: false },
    });
    for (const requester of ['dave', 'erin'])
      expect(stock.claim(requester, 'bob')).toMatchObject({
        claimed: { package: 'last', lastResort: true },
      });
    stock.publish('zed', ['z']);
    expect(stock.claim('alice', 'zed')).toMatchObject({
      claimed: { package: 'z' },
    });
    expect(stock.claim('carol', 'zed')).toEqual({});
    expect(stock.claim('alice', 'nobody')).toEqual({});
  });

  it('gives a requester one single-use package of a target per 10 minutes, the last-resort one after', () => {
    stock.publish('victim', packages(5), 'last');
    expect(stock.claim('mallory', 'victim')).toMatchObject({
      claimed: { package: 'p0', lastResort: false },
    });
    for (let i = 0; i < 5; i++)
      expect(stock.claim('mallory', 'victim')).toMatchObject({
        claimed: { package: 'last', lastResort: true },
      });
    expect(stock.remaining('victim')).toBe(4);
    // someone else still gets a single-use one
    expect(stock.claim('trent', 'victim')).toMatchObject({
      claimed: { package: 'p1', lastResort: false },
    });
    // a new minute is not enough for the pair, ten are
    at += 60_000;
    expect(stock.claim('mallory', 'victim')).toMatchObject({
      claimed: { lastResort: true },
    });
    at += KEY_PACKAGE_LIMITS.pairWindowMs;
    expect(stock.claim('mallory', 'victim')).toMatchObject({
      claimed: { package: 'p2', lastResort: false },
    });
  });

  it('hands out at most 5 single-use packages of a target a minute, whoever asks', () => {
    stock.publish('bob', packages(10), 'last');
    const got = packages(8, 'r').map(
      (requester) => stock.claim(requester, 'bob') as { claimed?: unknown },
    );
    expect(got.slice(0, 5).map((t) => t.claimed)).toEqual(
      packages(5).map((p) => ({ package: p, lastResort: false })),
    );
    for (const taken of got.slice(5))
      expect(taken.claimed).toEqual({ package: 'last', lastResort: true });
    at += 60_000;
    expect(stock.claim('r7', 'bob')).toMatchObject({
      claimed: { package: 'p5', lastResort: false },
    });
  });

  it('refuses a requester past 10 claims a minute, and no one else', () => {
    stock.publish('bob', packages(3), 'last');
    for (let i = 0; i < KEY_PACKAGE_LIMITS.claimsPerRequester; i++)
      expect(stock.claim('mallory', i % 2 ? 'bob' : 'nobody')).not.toBe(
        'refused',
      );
    expect(stock.claim('mallory', 'bob')).toBe('refused');
    expect(stock.remaining('bob')).toBe(2);
    expect(stock.claim('alice', 'bob')).toMatchObject({
      claimed: { lastResort: false },
    });
    at += 60_000;
    expect(stock.claim('mallory', 'bob')).not.toBe('refused');
  });

  it('says when the owner should replenish: at 2 or fewer left or a last-resort handed out, once a minute', () => {
    stock.publish('bob', packages(4), 'last');
    expect(stock.claim('a', 'bob')).not.toHaveProperty('low');
    expect(stock.claim('b', 'bob')).toMatchObject({ low: 2 });
    expect(stock.claim('c', 'bob')).not.toHaveProperty('low');
    at += 60_000;
    expect(stock.claim('d', 'bob')).toMatchObject({ low: 0 });
    at += 60_000;
    expect(stock.claim('e', 'bob')).toMatchObject({
      claimed: { lastResort: true },
      low: 0,
    });
    // nothing left to hand out at all: the owner is told as well
    stock.publish('zed', []);
    at += 60_000;
    expect(stock.claim('f', 'zed')).toEqual({ low: 0 });
    // a last-resort one handed out with single-use ones left (a claimer past its share)
    stock.publish('yan', packages(5), 'last');
    stock.claim('g', 'yan');
    expect(stock.claim('g', 'yan')).toMatchObject({
      claimed: { lastResort: true },
      low: 4,
    });
  });

  it('keeps the last-resort package through a replenishment without one, and drops all at leave', () => {
    stock.publish('bob', ['a'], 'last');
    stock.publish('bob', ['b']);
    expect(stock.claim('x', 'bob')).toMatchObject({
      claimed: { package: 'b' },
    });
    expect(stock.claim('y', 'bob')).toMatchObject({
      claimed: { package: 'last' },
    });
    stock.publish('bob', [], 'newer');
    expect(stock.claim('z', 'bob')).toMatchObject({
      claimed: { package: 'newer' },
    });
    stock.drop('bob');
    expect(stock.claim('w', 'bob')).toEqual({});
  });
});
