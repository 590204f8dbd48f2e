/** `HH:MM:SS` in the viewer's local time, 24-hour, as every message shows it. */
export function formatClock(at: Date | string | number): string {
  const date = at instanceof Date ? at : new Date(at);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}
