/** Most keys a limiter tracks: beyond this the oldest windows go, so memory stays bounded (L31). */
const MAX_KEYS = 10_000;

/** Counts events per key in fixed windows: enough to slow down guessing, cheap to keep. */
export class FixedWindowLimiter {
  private readonly windows = new Map<
    string,
    { count: number; resetAt: number }
  >();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = MAX_KEYS,
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
      this.windows.delete(key);
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.windows.size > this.maxKeys) this.sweep(now);
      return;
    }
    window.count++;
  }

  /** Counts the event and says whether it was within the limit. */
  take(key: string, now = Date.now()): boolean {
    if (this.blocked(key, now)) return false;
    this.hit(key, now);
    return true;
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows)
      if (window.resetAt <= now) this.windows.delete(key);
    // still full of live windows (a flood of distinct keys): forget the oldest
    for (const key of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** A steady rate with room for bursts: `rate` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes `cost` tokens if there are that many (a cost over the burst: if the bucket is full). */
  take(now = Date.now(), cost = 1): boolean {
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.updatedAt) / 1000) * this.rate,
    );
    this.updatedAt = now;
    if (this.tokens < Math.min(cost, this.burst)) return false;
    this.tokens -= cost;
    return true;
  }
}
