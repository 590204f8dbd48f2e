import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { DomainException } from '../common/domain.exception';
import { AppConfigService } from '../config/app-config.service';
import type { ChatSocket } from '../realtime/chat-socket';
import { RealtimeService } from '../realtime/realtime.service';
import { rejectRequest } from '../realtime/ws-exceptions.filter';

/**
 * Refused logins and resumes (a reserved or owned name, a bad token…) count against their
 * connection: past its share it is closed, so nobody tries names or tokens on one connection
 * without end, nor fills the audit log (L72, as L41 for frames and CONNECTs).
 */
@Injectable()
export class LoginRefusals {
  private readonly refused = new WeakMap<ChatSocket, number>();
  private readonly limit: number;

  constructor(
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
    config: AppConfigService,
  ) {
    this.limit = config.config.limits.loginRefusalsPerConnection;
  }

  /** Runs a login or resume; a refusal is counted, and passed on for the filter to answer. */
  async counted(
    socket: ChatSocket,
    event: string,
    attempt: Promise<void>,
  ): Promise<void> {
    try {
      await attempt;
    } catch (error) {
      // an outage is no refusal: the client retries what was not stored
      if (
        error instanceof DomainException &&
        error.code !== ErrorCode.Unavailable
      )
        this.count(socket, event);
      throw error;
    }
  }

  private count(socket: ChatSocket, event: string): void {
    const refused = (this.refused.get(socket) ?? 0) + 1;
    this.refused.set(socket, refused);
    if (refused < this.limit) return;
    // after the filter has sent the refusal itself: the client learns both why
    setImmediate(() => {
      rejectRequest(this.realtime, this.audit, socket, {
        code: ErrorCode.RateLimited,
        message: `Too many refused logins on this connection (${this.limit}); it is closed. Reconnect to try again.`,
        event,
      });
      socket.disconnect(true);
    });
  }
}
