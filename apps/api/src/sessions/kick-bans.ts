/** Most bans kept at once; past it the oldest go (memory stays bounded). */
const MAX_BANS = 10_000;

/**
 * Who an administrator removed, for a while (A51): the name (its key) and the address it came
 * from, so the user cannot log straight back in under the same or another name.
 */
export class KickBans {
  private readonly until = new Map<string, number>();

  add(nameKey: string, addressHash: string, until: number): void {
    for (const key of [`name ${nameKey}`, `address ${addressHash}`]) {
      this.until.delete(key);
      this.until.set(key, until);
    }
    for (const key of this.until.keys()) {
      if (this.until.size <= MAX_BANS) break;
      this.until.delete(key);
    }
  }

  /** True while the name or the address is banned. */
  blocks(nameKey: string, addressHash: string, now = Date.now()): boolean {
    return [`name ${nameKey}`, `address ${addressHash}`].some(
      (key) => (this.until.get(key) ?? 0) > now,
    );
  }
}
