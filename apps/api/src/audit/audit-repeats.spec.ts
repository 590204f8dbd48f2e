import { AuditRepeats } from './audit-repeats';

describe('AuditRepeats (L41)', () => {
  it('admits a few rows per key and window, counts the rest, and reports them when the window ends', () => {
    const repeats = new AuditRepeats();
    const admitted = Array.from({ length: 25 }, () =>
      repeats.admit('request_rejected a1', 10, 0),
    ).filter(Boolean);
    expect(admitted).toHaveLength(10);
    expect(repeats.admit('request_rejected a2', 10, 0)).toBe(true);
    // still inside the window: nothing to report yet
    expect(repeats.sweep(30_000)).toEqual([]);
    expect(repeats.sweep(60_000)).toEqual([
      { key: 'request_rejected a1', count: 15 },
    ]);
    // a new window starts afresh
    expect(repeats.admit('request_rejected a1', 10, 60_001)).toBe(true);
  });

  it('tracks a bounded number of keys; the overflow is counted, not remembered', () => {
    const repeats = new AuditRepeats();
    for (let i = 0; i < 10_000; i++) repeats.admit(`k ${i}`, 1, 0);
    expect(repeats.admit('k new', 1, 0)).toBe(false);
    expect(repeats.sweep(60_000)).toContainEqual({ key: 'overflow', count: 1 });
  });
});
