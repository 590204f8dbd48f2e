/** Calendar days in the reader's own time zone: history spans days, the clock shows only times. */

const DAY_MS = 24 * 60 * 60 * 1000;

const longDay = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

const fullDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'full',
  timeStyle: 'medium',
});

const shortDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** Local midnight of the day `at` falls on, as a number: equal for two moments of one day. */
export function dayOf(at: string | number | Date): number {
  const date = new Date(at);
  return new Date(
    date.getFullYear(),
    date.getMonth(),
    date.getDate(),
  ).getTime();
}

/** "Today", "Yesterday", or the whole date ("Monday, 30 November 2026" in the reader's locale). */
export function dayLabel(at: string | number | Date, now = Date.now()): string {
  const day = dayOf(at);
  const today = dayOf(now);
  if (day === today) return 'Today';
  // a day is not always 24 hours long (summer time): compare with yesterday's midnight itself
  if (day === dayOf(today - DAY_MS / 2)) return 'Yesterday';
  return longDay.format(new Date(at));
}

/** The date and time in full, for a timestamp's tooltip. */
export function fullDate(at: string | number | Date): string {
  return fullDateTime.format(new Date(at));
}

/** A date and time to read at a glance in a table ("1 Dec 2026, 05:37:35", the reader's locale). */
export function localDateTime(at: string | number | Date): string {
  return shortDateTime.format(new Date(at));
}
