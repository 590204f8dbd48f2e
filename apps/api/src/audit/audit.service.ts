import { Injectable, Logger } from '@nestjs/common';

import { AuditRepository } from './audit.repository';

/** What happened, as a short stable name. */
export type AuditType =
  | 'disconnect'
  | 'handshake_succeeded'
  | 'handshake_failed'
  | 'login_accepted'
  | 'login_rejected'
  | 'session_resumed'
  | 'resume_rejected'
  | 'user_left'
  | 'message_public'
  | 'message_private'
  | 'request_rejected';

export interface AuditEntry {
  actor?: string | null;
  target?: string | null;
  /** Facts only: never keys, tokens or private message text. */
  detail?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly repository: AuditRepository) {}

  /** Appends one event. A failed write is logged, never thrown at the caller's user. */
  async record(type: AuditType, entry: AuditEntry = {}): Promise<void> {
    try {
      await this.repository.append({
        at: new Date().toISOString(),
        type,
        actor: entry.actor ?? null,
        target: entry.target ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
      });
    } catch (error) {
      this.logger.error(
        `audit write failed for ${type}`,
        (error as Error).stack,
      );
    }
  }
}
