import { dirname } from 'node:path';

import { ErrorCode } from '@app/shared';

import { freeBytesAt } from '../common/free-disk';
import type {
  DatabaseConfig,
  MessageQuota,
} from '../config/app-config.service';
import { MessagingException } from './messaging.exception';

const DAY_MS = 24 * 60 * 60_000;
/** Most names and addresses tracked: past this the least recently seen are forgotten (L31). */
const MAX_KEYS = 20_000;
/** How long a reading of the database's free disk is reused: one statfs a second at most. */
const DISK_READ_MS = 1000;

/**
 * Bytes spent per key against an allowance of `perDay`: the spending drains away steadily over
 * a day, so a key may spend a day's worth at once and then what has drained since. A key whose
 * spending has drained to nothing is the same as one never seen, so forgetting it costs nothing;
 * past `maxKeys` the least recently seen go first (their spending is forgiven: bounded memory
 * matters more than a flood of distinct keys that each could only spend a day's worth anyway).
 */
export class DailyAllowance {
  private readonly spent = new Map<string, { bytes: number; at: number }>();

  constructor(
    private readonly perDay: number,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Bytes the key may still spend now. */
  left(key: string, now = Date.now()): number {
    return this.perDay - this.current(key, now);
  }

  spend(key: string, bytes: number, now = Date.now()): void {
    const total = this.current(key, now) + bytes;
    this.spent.delete(key);
    if (total > 0) this.spent.set(key, { bytes: total, at: now });
    if (this.spent.size > this.maxKeys) this.forgetOldest();
  }

  /** Milliseconds until `bytes` more fit (0: they fit now). */
  waitFor(key: string, bytes: number, now = Date.now()): number {
    const over = this.current(key, now) + bytes - this.perDay;
    return over <= 0 ? 0 : Math.ceil((over / this.perDay) * DAY_MS);
  }

  get size(): number {
    return this.spent.size;
  }

  private current(key: string, now: number): number {
    const entry = this.spent.get(key);
    if (!entry) return 0;
    const drained = ((now - entry.at) / DAY_MS) * this.perDay;
    return Math.max(0, entry.bytes - drained);
  }

  private forgetOldest(): void {
    for (const [key] of this.spent) {
      if (this.spent.size <= this.maxKeys) return;
      this.spent.delete(key);
    }
  }
}

/** Who is asking to store a public message: their folded name and their address's hash. */
export interface Writer {
  key: string;
  addressHash: string;
}

/**
 * What public messages may add to the database (L76): a day's allowance of text per name and
 * per client address, and nothing while the SQLite database's disk is below its floor.
 * Per instance: in a cluster each instance keeps its own allowances.
 */
export class MessageStorageQuota {
  private readonly perUser: DailyAllowance;
  private readonly perAddress: DailyAllowance;
  private disk?: { free: number; at: number };

  constructor(
    private readonly quota: MessageQuota,
    private readonly database: DatabaseConfig,
    private readonly freeBytes: (dir: string) => Promise<number> = freeBytesAt,
  ) {
    this.perUser = new DailyAllowance(quota.userBytesPerDay);
    this.perAddress = new DailyAllowance(quota.addressBytesPerDay);
  }

  /**
   * Spends `bytes` of the writer's allowances, or throws QuotaExceeded saying when they fit
   * (nothing spent). `refund` gives them back (a resend that stored nothing new).
   */
  async spend(writer: Writer, bytes: number, now = Date.now()): Promise<void> {
    await this.checkDisk(now);
    const user = this.perUser.waitFor(writer.key, bytes, now);
    const address = this.perAddress.waitFor(writer.addressHash, bytes, now);
    if (user > 0 || address > 0) {
      const whose =
        user >= address
          ? `You have stored as many public messages as a day allows (${kb(this.quota.userBytesPerDay)})`
          : `Your network has stored as many public messages as a day allows (${kb(this.quota.addressBytesPerDay)})`;
      throw new MessagingException(
        ErrorCode.QuotaExceeded,
        `${whose}; this one was not sent. It fits again in ${duration(Math.max(user, address))}.`,
        'text',
      );
    }
    this.perUser.spend(writer.key, bytes, now);
    this.perAddress.spend(writer.addressHash, bytes, now);
  }

  refund(writer: Writer, bytes: number, now = Date.now()): void {
    this.perUser.spend(writer.key, -bytes, now);
    this.perAddress.spend(writer.addressHash, -bytes, now);
  }

  private async checkDisk(now: number): Promise<void> {
    if (this.database.type !== 'sqlite' || this.quota.minFreeBytes === 0)
      return;
    if (!this.disk || now - this.disk.at >= DISK_READ_MS)
      this.disk = {
        free: await this.freeBytes(dirname(this.database.path)),
        at: now,
      };
    if (this.disk.free < this.quota.minFreeBytes)
      throw new MessagingException(
        ErrorCode.QuotaExceeded,
        'The server is low on disk space and stores no public messages right now; nothing was sent.',
        'text',
      );
  }
}

const kb = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round(bytes / (1024 * 1024))} MB`
    : `${Math.round(bytes / 1024)} KB`;

function duration(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.ceil(minutes / 60)} h`;
}
