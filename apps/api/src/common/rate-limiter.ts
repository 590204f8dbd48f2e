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

/** A key that has not asked for the budget for this long no longer holds a share of it. */
const ACTIVE_MS = 2000;
/**
 * How long the sum of a key's children's unused shares is reused: a flood of requests past
 * their share costs one pass over the siblings per this, not one each (the sum only drifts by
 * what refills meanwhile; a spend within a share recounts it).
 */
const RESERVE_REUSE_MS = 100;

/** One key of a fair-share budget (a sender's address, or a sender within it). */
interface ShareNode {
  /** Unused share, saved up to at most one share (below zero: spent ahead). */
  tokens: number;
  updatedAt: number;
  seenAt: number;
  parent?: ShareNode;
  name: string;
  children: Map<string, ShareNode>;
  /** The children's unused shares as counted at `at`. */
  unused?: { sum: number; at: number };
}

/**
 * A budget (`rate` units per second, a second's worth saved up) shared fairly by keys in a
 * hierarchy: the addresses, and the senders of each address (L74). Each key has a share: of
 * the budget, `sharePercent` or an equal part among the active addresses, whichever is less;
 * of its address's share, an equal part among that address's active senders. A request within
 * the shares of all its keys is served (the budget may run up to a second's worth into debt
 * for it); one past a share only gets what is left after the unused shares of every other
 * active key (other addresses, and the other senders of its address). So a few connections
 * cannot use up the budget: a bystander within their share is always served, and one key
 * alone may still use all of it.
 */
export class FairShareBudget {
  private pool: number;
  private updatedAt: number;
  private readonly root: ShareNode;
  /** Every key, least recently seen first: the stale ones are forgotten from the front. */
  private readonly seen = new Map<ShareNode, true>();

  constructor(
    private readonly rate: number,
    private readonly sharePercent: number,
    now = Date.now(),
    private readonly maxKeys = MAX_KEYS,
  ) {
    this.pool = rate;
    this.updatedAt = now;
    this.root = this.node('', undefined, now);
  }

  /** Takes `cost` units for the request of `path` (address, then sender) if its share allows. */
  take(path: readonly string[], cost: number, now = Date.now()): boolean {
    this.pool = Math.min(
      this.rate,
      this.pool + ((now - this.updatedAt) / 1000) * this.rate,
    );
    this.updatedAt = now;
    this.forgetStale(now);
    const nodes = this.touch(path, now);
    const within = nodes.every((node) => {
      const share = this.refill(node, now);
      return node.tokens >= Math.min(cost, share);
    });
    const floor = within ? -this.rate : this.reserve(nodes, now);
    if (this.pool - cost < floor) return false;
    this.pool -= cost;
    if (within)
      for (const node of nodes) {
        node.tokens -= cost;
        if (node.parent) node.parent.unused = undefined;
      }
    return true;
  }

  /** Keys tracked now (bounded by `maxKeys`). */
  get size(): number {
    return this.seen.size;
  }

  /** A key's share per second, which is also the most of it saved up. */
  private share(node: ShareNode): number {
    const parent = node.parent;
    if (!parent) return this.rate;
    if (parent === this.root)
      return (
        this.rate * Math.min(this.sharePercent / 100, 1 / parent.children.size)
      );
    return this.share(parent) / parent.children.size;
  }

  private refill(node: ShareNode, now: number): number {
    const share = this.share(node);
    node.tokens = Math.min(
      share,
      node.tokens + ((now - node.updatedAt) / 1000) * share,
    );
    node.updatedAt = now;
    return share;
  }

  /** The unused shares a request past its own must leave: other addresses', its siblings'. */
  private reserve(nodes: ShareNode[], now: number): number {
    let reserve = 0;
    let parent = this.root;
    for (const node of nodes) {
      if (!parent.unused || now - parent.unused.at >= RESERVE_REUSE_MS) {
        let sum = 0;
        for (const child of parent.children.values()) {
          this.refill(child, now);
          sum += Math.max(0, child.tokens);
        }
        parent.unused = { sum, at: now };
      }
      reserve += Math.max(0, parent.unused.sum - Math.max(0, node.tokens));
      parent = node;
    }
    return reserve;
  }

  private touch(path: readonly string[], now: number): ShareNode[] {
    const nodes: ShareNode[] = [];
    let parent = this.root;
    for (const name of path) {
      let node = parent.children.get(name);
      if (!node) {
        node = this.node(name, parent, now);
        parent.children.set(name, node);
        parent.unused = undefined;
        // a newcomer starts with a full share
        node.tokens = this.share(node);
      }
      node.seenAt = now;
      this.seen.delete(node);
      this.seen.set(node, true);
      nodes.push(node);
      parent = node;
    }
    if (this.seen.size > this.maxKeys) {
      // a flood of distinct keys: the least recently seen go, with what is under them
      for (const node of this.seen.keys()) {
        if (this.seen.size <= this.maxKeys) break;
        if (!nodes.includes(node)) this.forget(node);
      }
    }
    return nodes;
  }

  private forgetStale(now: number): void {
    for (const node of this.seen.keys()) {
      if (now - node.seenAt < ACTIVE_MS) break;
      this.forget(node);
    }
  }

  private forget(node: ShareNode): void {
    for (const child of node.children.values()) this.forget(child);
    this.seen.delete(node);
    if (!node.parent) return;
    node.parent.children.delete(node.name);
    node.parent.unused = undefined;
  }

  private node(
    name: string,
    parent: ShareNode | undefined,
    now: number,
  ): ShareNode {
    return {
      name,
      parent,
      tokens: 0,
      updatedAt: now,
      seenAt: now,
      children: new Map(),
    };
  }
}
