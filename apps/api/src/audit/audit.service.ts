import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { Subject } from 'rxjs';

import {
  isDatabaseUnavailable,
  isUniqueViolation,
} from '../common/database-errors';
import type { HashedRow } from './audit-chain';
import { MetricsService } from '../metrics/metrics.service';
import { AuditRepeats } from './audit-repeats';
import { AuditRepository } from './audit.repository';

/** What happened, as a short stable name. */
export type AuditType =
  | 'server_started'
  | 'server_stopped'
  | 'server_keys_created'
  | 'checkpoint_created'
  | 'disconnect'
  | 'handshake_succeeded'
  | 'handshake_failed'
  | 'handshake_refused'
  | 'login_accepted'
  | 'login_rejected'
  | 'session_resumed'
  | 'resume_rejected'
  | 'user_left'
  | 'user_kicked'
  | 'name_bound'
  | 'name_released'
  | 'key_package_claimed'
  | 'message_public'
  | 'message_private'
  | 'reaction'
  | 'request_rejected'
  | 'file_offered'
  | 'file_completed'
  | 'file_failed'
  | 'file_accepted'
  | 'file_rejected'
  | 'file_downloaded'
  | 'file_cancelled'
  | 'file_swept'
  | 'files_swept'
  | 'admin_request'
  | 'admin_auth_failed'
  | 'audit_repeats_suppressed'
  | 'audit_overflow';

export interface AuditEntry {
  actor?: string | null;
  target?: string | null;
  /** Facts only: never keys, tokens or private message text. */
  detail?: Record<string, unknown>;
}

interface Pending {
  row: Omit<HashedRow, 'id' | 'hash'>;
  done: () => void;
}

const MAX_BATCH = 500;
/**
 * Past this many events waiting for the database the server refuses new work (`overloaded`):
 * a slow database pushes back on clients instead of growing the queue (L41).
 */
const PUSH_BACK_AT = 5_000;
/** Hard bound: events past it are counted, and the count is logged once there is room. */
const MAX_PENDING = 20_000;
const REPEAT_SWEEP_MS = 10_000;
/** Rows per minute of one repeatable kind: from one connection, and from one address. */
export const RepeatBudget = { connection: 20, address: 300 } as const;
const ATTEMPTS = 5;
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 2000;

/**
 * The append-only, hash-chained audit log. Appends are serialised through one queue and
 * written in batches (one transaction for everything that arrived meanwhile), so the chain
 * never forks and a burst of events costs one commit.
 */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private readonly logger = new Logger(AuditService.name);
  private readonly pending: Pending[] = [];
  private flushing?: Promise<void>;
  private readonly repeats = new AuditRepeats();
  private readonly repeatSweep = setInterval(
    () => this.recordSuppressed(),
    REPEAT_SWEEP_MS,
  ).unref();
  /** Events that found the queue full: recorded as one `audit_overflow` row when it drains. */
  private overflowed = 0;
  /** Rows as committed, in chain order. */
  readonly appended$ = new Subject<HashedRow[]>();

  constructor(
    private readonly repository: AuditRepository,
    // absent where a test builds the service on its own
    @Optional() metrics?: MetricsService,
  ) {
    metrics?.gauge(
      'fuv_audit_queue_depth',
      'Audit events waiting to be written (clients are pushed back past a bound, L41)',
      () => this.pending.length,
    );
  }

  /**
   * Appends one event; resolves once it is committed. Never throws: while the database is
   * unavailable the event waits in the queue; any other failure is logged.
   */
  record(type: AuditType, entry: AuditEntry = {}): Promise<void> {
    if (this.pending.length >= MAX_PENDING) {
      if (this.overflowed++ === 0)
        this.logger.error(
          `audit queue full (${MAX_PENDING} events): events are counted, not written, until it drains`,
        );
      return Promise.resolve();
    }
    return new Promise((done) => {
      this.pending.push({
        row: {
          at: new Date().toISOString(),
          type,
          actor: entry.actor?.slice(0, 64) ?? null,
          target: entry.target?.slice(0, 64) ?? null,
          detail: JSON.stringify(entry.detail ?? {}),
        },
        done,
      });
      this.flushing ??= this.flush();
    });
  }

  /**
   * For events an outsider can repeat at will (refusals): the first few per minute per kind and
   * `place` (an address hash) are written, the rest are counted into one summary row (L41).
   * Resolves once the row is committed, or at once when it is only counted.
   */
  recordRepeatable(
    type: AuditType,
    place: { address: string; connection?: string },
    entry: AuditEntry = {},
  ): Promise<void> {
    const perConnection =
      place.connection === undefined ||
      this.repeats.admit(
        `${type} ${place.connection}`,
        RepeatBudget.connection,
      );
    if (
      perConnection &&
      this.repeats.admit(`${type} ${place.address}`, RepeatBudget.address)
    )
      return this.record(type, entry);
    return Promise.resolve();
  }

  /** True while the database lags so far behind that new work should wait. */
  get overloaded(): boolean {
    return this.pending.length >= PUSH_BACK_AT;
  }

  onModuleDestroy(): void {
    clearInterval(this.repeatSweep);
  }

  private recordSuppressed(now = Date.now()): void {
    for (const { key, count } of this.repeats.sweep(now)) {
      const [type, place] = key.split(' ');
      void this.record('audit_repeats_suppressed', {
        detail: { type, place, count },
      });
    }
  }

  /** Resolves when everything recorded so far is committed. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    let backoffMs = RETRY_FIRST_MS;
    while (this.pending.length > 0) {
      // one commit per turn of the event loop: every event the turn's I/O produced goes in the
      // same batch (SQLite syncs each commit to disk, so commits, not rows, are what cost)
      await new Promise((resolve) => setImmediate(resolve));
      // events leave the queue only once committed: a locked or unreachable database delays
      // them (and whoever awaits them), it does not lose them (R39)
      const batch = this.pending.slice(0, MAX_BATCH);
      try {
        const rows = await this.append(batch.map((p) => p.row));
        this.pending.splice(0, batch.length);
        backoffMs = RETRY_FIRST_MS;
        this.appended$.next(rows);
      } catch (error) {
        if (isUniqueViolation(error)) {
          // other instances kept taking the head (a cluster under load): try again shortly,
          // at a random moment so the writers fall out of step; the events stay queued
          await new Promise((resolve) =>
            setTimeout(resolve, Math.random() * 10),
          );
          continue;
        }
        if (isDatabaseUnavailable(error)) {
          this.logger.warn(
            `audit write of ${this.pending.length} events waits: database unavailable`,
          );
          await new Promise((resolve) => setTimeout(resolve, backoffMs));
          backoffMs = Math.min(backoffMs * 2, RETRY_MAX_MS);
          continue;
        }
        this.pending.splice(0, batch.length);
        this.logger.error(
          `audit write of ${batch.length} events failed`,
          (error as Error).stack,
        );
      }
      for (const pending of batch) pending.done();
    }
    this.flushing = undefined;
    if (this.overflowed > 0) {
      const dropped = this.overflowed;
      this.overflowed = 0;
      void this.record('audit_overflow', { detail: { dropped } });
    }
  }

  /** Another writer that took the same place in the chain makes ours fail: retry on the new head. */
  private async append(rows: Pending['row'][]): Promise<HashedRow[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.repository.appendBatch(rows);
      } catch (error) {
        if (attempt >= ATTEMPTS || !isUniqueViolation(error)) throw error;
      }
    }
  }
}
