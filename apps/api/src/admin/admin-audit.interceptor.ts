import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

import { AuditService } from '../audit/audit.service';
import { ClientAddressService } from '../edge/client-address.service';

/** Every admin request is itself an audit event: who (which address) read or did what. */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly addresses: ClientAddressService,
  ) {}

  async intercept(
    context: ExecutionContext,
    next: CallHandler,
  ): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.audit.record('admin_request', {
      detail: {
        method: request.method,
        path: request.path,
        query: request.query,
        address: this.addresses.hash(this.addresses.of(request)),
      },
    });
    return next.handle();
  }
}
