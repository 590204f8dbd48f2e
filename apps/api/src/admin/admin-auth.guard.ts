import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { ErrorCode } from '@app/shared';
import type { Request } from 'express';

import { AuditService } from '../audit/audit.service';
import { DomainException } from '../common/domain.exception';
import { FixedWindowLimiter } from '../common/rate-limiter';
import { ClientAddressService } from '../edge/client-address.service';
import { AdminTokenService } from './admin-token.service';

/** At most this many failed attempts per address per window, then 429 until it passes. */
const FAILURES_ALLOWED = 5;
const WINDOW_MS = 60_000;

/** `Authorization: Bearer <ADMIN_TOKEN>` on every admin route; failures are rate-limited and audited. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly failures = new FixedWindowLimiter(
    FAILURES_ALLOWED,
    WINDOW_MS,
  );

  constructor(
    private readonly tokens: AdminTokenService,
    private readonly audit: AuditService,
    private readonly addresses: ClientAddressService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    // the token first: a correct one is never refused for other people's failures (A47)
    if (match && this.tokens.matches(match[1])) return true;
    const address = this.addresses.hash(this.addresses.of(request));
    if (this.failures.blocked(address)) {
      throw new DomainException(
        ErrorCode.RateLimited,
        'Too many failed attempts; try again in a minute.',
      );
    }
    this.failures.hit(address);
    await this.audit.record('admin_auth_failed', {
      detail: {
        address,
        reason: match ? 'wrong_token' : 'missing_token',
        path: request.path,
      },
    });
    throw new DomainException(
      ErrorCode.Unauthorized,
      'A valid admin token is required.',
    );
  }
}
