import { dayLabel, dayOf, fullDate, localDateTime } from './days';

describe('days', () => {
  const now = new Date(2026, 11, 1, 0, 30).getTime();

  it('puts two moments of one local day on the same day, and midnight starts the next', () => {
    expect(dayOf(new Date(2026, 10, 30, 0, 0, 1))).toBe(
      dayOf(new Date(2026, 10, 30, 23, 59, 59)),
    );
    expect(dayOf(new Date(2026, 11, 1, 0, 0, 0))).not.toBe(
      dayOf(new Date(2026, 10, 30, 23, 59, 59)),
    );
  });

  it('names today and yesterday, and gives older days their date', () => {
    expect(dayLabel(new Date(2026, 11, 1, 0, 0, 0), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 30, 23, 59, 59), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 30, 0, 0, 0).toISOString(), now)).toBe(
      'Yesterday',
    );
    const older = dayLabel(new Date(2026, 10, 29, 12, 0, 0), now);
    expect(older).toContain('2026');
    expect(older).toContain('29');
  });

  it('gives the full date and time for a tooltip', () => {
    const text = fullDate(new Date(2026, 10, 29, 13, 14, 15));
    expect(text).toContain('2026');
    expect(text).toMatch(/14:15|1:14:15/);
  });

  it('gives a short local date and time for tables', () => {
    const text = localDateTime(new Date(2026, 10, 29, 13, 14, 15));
    expect(text).toContain('2026');
    expect(text).toMatch(/14:15/);
  });
});
