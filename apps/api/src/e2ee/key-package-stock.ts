import { FixedWindowLimiter } from '../common/rate-limiter';

const MINUTE = 60_000;

/** How much of a member's key packages others may take (E73). */
export const KEY_PACKAGE_LIMITS = {
  /** Claims one requester may make per minute, whoever they are for. */
  claimsPerRequester: 10,
  /** Single-use packages handed out per target per minute; past it, the last-resort one. */
  singleUsePerTarget: 5,
  /** Single-use packages one requester gets of one target per 10 minutes. */
  singleUsePerPair: 1,
  pairWindowMs: 10 * MINUTE,
  /** At or below this many single-use packages left, the owner is told (once a minute). */
  lowAt: 2,
} as const;

/** A package a claim got. */
export interface ClaimedPackage {
  package: string;
  /** The target's last-resort package (reusable), not a single-use one. */
  lastResort: boolean;
}

/** What a claim of a target's packages got. */
export interface Taken {
  /** Undefined: nothing to hand out (none published, or all used and no last-resort one). */
  claimed?: ClaimedPackage;
  /** Set when the owner should be told to replenish: their single-use packages left. */
  low?: number;
}

/** `refused`: the requester is past its claims for this minute, and got nothing. */
export type ClaimResult = Taken | 'refused';

/**
 * The key packages members published, and what a claim of them gets (E73): a member claiming
 * all of someone's packages over and over gets one single-use package per 10 minutes and then
 * the reusable last-resort one (RFC 9420 §16.8), so first contact stays possible for everyone
 * else. Keyed by folded names; every limiter bounds its keys, so memory stays bounded.
 */
export class KeyPackageStock {
  private readonly stock = new Map<
    string,
    { packages: string[]; lastResort?: string }
  >();
  private readonly requesters = new FixedWindowLimiter(
    KEY_PACKAGE_LIMITS.claimsPerRequester,
    MINUTE,
  );
  private readonly targets = new FixedWindowLimiter(
    KEY_PACKAGE_LIMITS.singleUsePerTarget,
    MINUTE,
  );
  private readonly pairs = new FixedWindowLimiter(
    KEY_PACKAGE_LIMITS.singleUsePerPair,
    KEY_PACKAGE_LIMITS.pairWindowMs,
  );
  /** The owner is told at most once a minute. */
  private readonly reports = new FixedWindowLimiter(1, MINUTE);

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Replaces `target`'s single-use packages; `lastResort` replaces the last-resort package, kept
   * as it was when absent (a replenishment must not void one a Welcome may be on its way for).
   */
  publish(target: string, packages: string[], lastResort?: string): void {
    const kept = lastResort ?? this.stock.get(target)?.lastResort;
    this.stock.set(target, { packages: [...packages], lastResort: kept });
  }

  /** The member left: what they published goes (the limits stay until their windows end). */
  drop(target: string): void {
    this.stock.delete(target);
  }

  /** Single-use packages `target` has left. */
  remaining(target: string): number {
    return this.stock.get(target)?.packages.length ?? 0;
  }

  /** Counts one claim by `requester`: false when it is past its claims for this minute. */
  admit(requester: string): boolean {
    return this.requesters.take(requester, this.now());
  }

  /** A claim: counted against the requester, then `take`. */
  claim(requester: string, target: string): ClaimResult {
    if (!this.admit(requester)) return 'refused';
    return this.take(requester, target);
  }

  /**
   * What `requester` gets of `target`'s packages (the requester's own count already taken): a
   * single-use package within the target's and the pair's shares, else the last-resort one.
   */
  take(requester: string, target: string): Taken {
    const now = this.now();
    const held = this.stock.get(target);
    if (!held) return {};
    const pair = `${requester}\n${target}`;
    let claimed: ClaimedPackage | undefined;
    if (
      held.packages.length > 0 &&
      !this.pairs.blocked(pair, now) &&
      !this.targets.blocked(target, now)
    ) {
      this.pairs.hit(pair, now);
      this.targets.hit(target, now);
      claimed = { package: held.packages.shift() as string, lastResort: false };
    } else if (held.lastResort) {
      claimed = { package: held.lastResort, lastResort: true };
    }
    const left = held.packages.length;
    const low =
      (claimed?.lastResort !== false || left <= KEY_PACKAGE_LIMITS.lowAt) &&
      this.reports.take(target, now);
    return { claimed, ...(low ? { low: left } : {}) };
  }
}
