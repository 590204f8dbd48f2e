import { RecentMessages } from './recent-messages';

describe('RecentMessages', () => {
  it('returns what was set until it expires', () => {
    const recent = new RecentMessages<string>(10, 1000);
    recent.set('a', 'first', 0);
    expect(recent.get('a', 999)).toBe('first');
    expect(recent.get('a', 1000)).toBeUndefined();
    expect(recent.get('b', 0)).toBeUndefined();
  });

  it('drops the oldest entries beyond its size', () => {
    const recent = new RecentMessages<number>(3, 60_000);
    for (let i = 0; i < 5; i++) recent.set(`k${i}`, i, 0);
    expect(recent.size).toBe(3);
    expect(recent.get('k0', 0)).toBeUndefined();
    expect(recent.get('k1', 0)).toBeUndefined();
    expect(recent.get('k4', 0)).toBe(4);
  });

  it('counts a key set again as new', () => {
    const recent = new RecentMessages<number>(2, 60_000);
    recent.set('a', 1, 0);
    recent.set('b', 2, 0);
    recent.set('a', 3, 0);
    recent.set('c', 4, 0);
    expect(recent.get('a', 0)).toBe(3);
    expect(recent.get('b', 0)).toBeUndefined();
  });
});
