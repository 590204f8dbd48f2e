const WINDOW_MS = 60_000;
/** Places tracked at once; past this a new place is counted as if it were over its budget. */
const MAX_KEYS = 10_000;

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
}

/** What was suppressed in a window that has ended: one summary row each. */
export interface SuppressedRepeats {
  key: string;
  count: number;
}

/**
 * Bounds the audit rows that refusals can cause (L41): an attacker repeating a refused request
 * gets a few rows per minute per kind and place, then one summary row with a count.
 */
export class AuditRepeats {
  private readonly windows = new Map<string, Window>();
  private overflow = 0;

  /** True when the row should be written (`limit` rows per window); false when only counted. */
  admit(key: string, limit: number, now = Date.now()): boolean {
    let window = this.windows.get(key);
    if (!window) {
      if (this.windows.size >= MAX_KEYS) {
        this.overflow++;
        return false;
      }
      window = { startedAt: now, written: 0, suppressed: 0 };
      this.windows.set(key, window);
    }
    if (window.written < limit) {
      window.written++;
      return true;
    }
    window.suppressed++;
    return false;
  }

  /** Ends the windows older than a minute; returns what they suppressed. */
  sweep(now = Date.now()): SuppressedRepeats[] {
    const ended: SuppressedRepeats[] = [];
    for (const [key, window] of this.windows) {
      if (now - window.startedAt < WINDOW_MS) continue;
      this.windows.delete(key);
      if (window.suppressed > 0) ended.push({ key, count: window.suppressed });
    }
    if (this.overflow > 0) {
      ended.push({ key: 'overflow', count: this.overflow });
      this.overflow = 0;
    }
    return ended;
  }
}
