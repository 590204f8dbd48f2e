/** Counts events per key in fixed windows: enough to slow down guessing, cheap to keep. */
export class FixedWindowLimiter {
  private readonly windows = new Map<
    string,
    { count: number; resetAt: number }
  >();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** True while the key is at or over its limit for the current window. */
  blocked(key: string, now = Date.now()): boolean {
    const window = this.windows.get(key);
    return (
      window !== undefined && window.resetAt > now && window.count >= this.limit
    );
  }

  hit(key: string, now = Date.now()): void {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.windows.size > 10_000) this.sweep(now);
      return;
    }
    window.count++;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows)
      if (window.resetAt <= now) this.windows.delete(key);
  }
}
