import { formatClock } from './clock.model';

describe('formatClock', () => {
  it.each([
    [new Date(2026, 0, 2, 0, 0, 0), '00:00:00'],
    [new Date(2026, 0, 2, 9, 5, 7), '09:05:07'],
    [new Date(2026, 0, 2, 23, 59, 59), '23:59:59'],
    [new Date(2026, 0, 2, 12, 30, 45, 999), '12:30:45'],
  ])('formats %s as %s', (date, expected) => {
    expect(formatClock(date)).toBe(expected);
    expect(formatClock(date.toISOString())).toBe(expected);
    expect(formatClock(date.getTime())).toBe(expected);
  });
});
