import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, ServerEvent } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import type { ClusterRequests } from '../cluster/cluster-events';
import { ClusterService } from '../cluster/cluster.service';
import { DomainException } from '../common/domain.exception';
import { DeliveryService } from '../realtime/delivery.service';
import { type Member, Roster } from '../sessions/roster';
import { SessionsService } from '../sessions/sessions.service';
import {
  type ClaimResult,
  type ClaimedPackage,
  KEY_PACKAGE_LIMITS,
  KeyPackageStock,
} from './key-package-stock';

type Answer = ClusterRequests['key-package']['answer'];

/**
 * The end-to-end key-package directory: each online member's single-use MLS key packages, and
 * their reusable last-resort one, kept in memory while they are here and handed out one per
 * claim within limits (E73: per requester, per target, per pair; see `KeyPackageStock`). The
 * server cannot use them: their private halves never leave the member's browser, and the
 * member's browser checks every credential against the key log, never the server's word.
 */
@Injectable()
export class KeyPackagesService implements OnModuleInit {
  private readonly stock = new KeyPackageStock();

  constructor(
    private readonly sessions: SessionsService,
    private readonly roster: Roster,
    private readonly delivery: DeliveryService,
    private readonly audit: AuditService,
    private readonly cluster: ClusterService,
  ) {}

  onModuleInit(): void {
    this.sessions.left$.subscribe((member) => this.stock.drop(member.key));
    // a member held here, claimed from another instance (which counted the claim as well)
    this.cluster.answer('key-package', ({ sessionId, requester }) => {
      const member = this.roster.get(sessionId);
      const here = member && this.roster.isConnected(member);
      if (!here || typeof requester !== 'string') return null;
      return this.answer(this.stock.claim(requester, member.key), member);
    });
  }

  /** Replaces the member's published key packages (and last-resort one, when given). */
  publish(member: Member, packages: string[], lastResort?: string): void {
    this.stock.publish(member.key, packages, lastResort);
  }

  /** Hands `requester` one of `name`'s key packages, which is then gone (but a last resort). */
  async claim(requester: Member, name: string): Promise<void> {
    const { here, there, username } = this.roster.locate(name) ?? {};
    const unavailable = (why: string) =>
      new DomainException(ErrorCode.KeyPackageUnavailable, why, 'name');
    if (here === requester)
      throw unavailable('You cannot start a conversation with yourself.');
    // every claim counts, of someone online or not (E73)
    const answer = here
      ? this.answer(this.stock.claim(requester.key, here.key), here)
      : this.stock.admit(requester.key)
        ? await this.claimThere(there?.sessionId, requester.key)
        : 'rate_limited';
    if (answer === 'rate_limited')
      throw new DomainException(
        ErrorCode.RateLimited,
        `Too many key package claims; wait a minute before starting another conversation (at most ${KEY_PACKAGE_LIMITS.claimsPerRequester} a minute).`,
        'name',
      );
    if (!username)
      throw unavailable(
        `${name.slice(0, 32)} is not online; nothing was sent.`,
      );
    if (!answer)
      throw unavailable(
        `${username} has no end-to-end key packages left; try again once they reconnect.`,
      );
    await this.audit.record('key_package_claimed', {
      actor: requester.username,
      target: username,
      ...(answer.lastResort ? { detail: { lastResort: true } } : {}),
    });
    this.delivery.toMember(requester.sessionId, ServerEvent.KeyPackage, {
      name: username,
      package: answer.package,
    });
  }

  /** The claim's package, if any; the owner (held here) is told when few are left. */
  private answer(result: ClaimResult, owner: Member): Answer {
    if (result === 'refused') return 'rate_limited';
    if (result.low !== undefined)
      this.delivery.toMember(owner.sessionId, ServerEvent.KeyPackagesLow, {
        remaining: result.low,
      });
    return result.claimed ?? null;
  }

  /** From the instance holding the member (every other instance answers null). */
  private async claimThere(
    sessionId: string | undefined,
    requester: string,
  ): Promise<Exclude<Answer, null> | undefined> {
    if (!sessionId) return undefined;
    const answers = await this.cluster.request('key-package', {
      sessionId,
      requester,
    });
    const found = answers.find((answer) => answer !== null) ?? undefined;
    if (found === undefined || found === 'rate_limited') return found;
    return typeof found.package === 'string'
      ? ({
          package: found.package,
          lastResort: found.lastResort === true,
        } satisfies ClaimedPackage)
      : undefined;
  }
}
