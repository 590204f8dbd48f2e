import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, ServerEvent } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { ClusterService } from '../cluster/cluster.service';
import { DomainException } from '../common/domain.exception';
import { DeliveryService } from '../realtime/delivery.service';
import { type Member, Roster } from '../sessions/roster';
import { SessionsService } from '../sessions/sessions.service';

/**
 * The end-to-end key-package directory: each online member's single-use MLS key packages, kept
 * in memory while they are here and handed out one per claim. The server cannot use them: their
 * private halves never leave the member's browser, and the member's browser checks every
 * credential against the key log, never the server's word.
 */
@Injectable()
export class KeyPackagesService implements OnModuleInit {
  /** By the member's folded name. */
  private readonly stock = new Map<string, string[]>();

  constructor(
    private readonly sessions: SessionsService,
    private readonly roster: Roster,
    private readonly delivery: DeliveryService,
    private readonly audit: AuditService,
    private readonly cluster: ClusterService,
  ) {}

  onModuleInit(): void {
    this.sessions.left$.subscribe((member) => this.stock.delete(member.key));
    // a member held here, claimed from another instance
    this.cluster.answer('key-package', ({ sessionId }) => {
      const member = this.roster.get(sessionId);
      const here = member && this.roster.isConnected(member);
      return (here && this.stock.get(member.key)?.shift()) || null;
    });
  }

  /** Replaces the member's published key packages. */
  publish(member: Member, packages: string[]): void {
    this.stock.set(member.key, [...packages]);
  }

  /** Hands `requester` one of `name`'s key packages, which is then gone. */
  async claim(requester: Member, name: string): Promise<void> {
    const { here, there, username } = this.roster.locate(name) ?? {};
    const unavailable = (why: string) =>
      new DomainException(ErrorCode.KeyPackageUnavailable, why, 'name');
    if (!username)
      throw unavailable(
        `${name.slice(0, 32)} is not online; nothing was sent.`,
      );
    if (here === requester)
      throw unavailable('You cannot start a conversation with yourself.');
    const key = here
      ? this.stock.get(here.key)?.shift()
      : await this.claimThere(there?.sessionId);
    if (!key)
      throw unavailable(
        `${username} has no end-to-end key packages left; try again once they reconnect.`,
      );
    await this.audit.record('key_package_claimed', {
      actor: requester.username,
      target: username,
    });
    this.delivery.toMember(requester.sessionId, ServerEvent.KeyPackage, {
      name: username,
      package: key,
    });
  }

  /** From the instance holding the member (every other instance answers null). */
  private async claimThere(
    sessionId: string | undefined,
  ): Promise<string | undefined> {
    if (!sessionId) return undefined;
    const answers = await this.cluster.request('key-package', { sessionId });
    return answers.find((key) => key !== null) ?? undefined;
  }
}
