/**
 * Live counts per key (open connections per address, say). A key whose count falls to zero is
 * forgotten, so memory follows what is open now, not everything ever seen.
 */
export class KeyCounts {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string, delta: number): void {
    const next = this.get(key) + delta;
    if (next > 0) this.counts.set(key, next);
    else this.counts.delete(key);
  }
}
