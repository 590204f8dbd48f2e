import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { ErrorCode } from '@app/shared';
import type { Request, Response } from 'express';

import { DomainException } from '../common/domain.exception';
import { FixedWindowLimiter } from '../common/rate-limiter';
import { AppConfigService } from '../config/app-config.service';
import { ClientAddressService } from '../edge/client-address.service';

const WINDOW_MS = 60_000;

/**
 * The key-log endpoints are public and anonymous (L70): each client address may make
 * RATE_KEY_LOG_PER_MINUTE requests a minute, then gets 429 until the minute is over. A browser
 * asks a few per login and per key it checks; the limiter's memory is bounded (its key cap).
 */
@Injectable()
export class KeyLogRateGuard implements CanActivate {
  private readonly requests: FixedWindowLimiter;

  constructor(
    config: AppConfigService,
    private readonly addresses: ClientAddressService,
  ) {
    this.requests = new FixedWindowLimiter(
      config.config.keyLogPerMinute,
      WINDOW_MS,
    );
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (this.requests.take(this.addresses.of(request))) return true;
    http.getResponse<Response>().setHeader('Retry-After', WINDOW_MS / 1000);
    throw new DomainException(
      ErrorCode.RateLimited,
      'Too many key-log requests from this address; try again in a minute.',
    );
  }
}
