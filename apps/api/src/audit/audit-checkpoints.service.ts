import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type AuditCheckpointPayload, checkpointBytes } from '@app/shared';
import { Subject } from 'rxjs';

import { AppConfigService } from '../config/app-config.service';
import { CryptoService } from '../crypto/crypto.service';
import type { HashedRow } from './audit-chain';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/**
 * Signs the chain head every N events or T seconds, stores the checkpoint, prints it to the
 * server log and hands it to connected clients: copies of the head that live outside the
 * database, so a rewritten log cannot be passed off as the original.
 */
@Injectable()
export class AuditCheckpointsService
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('AuditCheckpoint');
  private head?: HashedRow;
  private latest?: AuditCheckpointPayload;
  private sinceLast = 0;
  private timer?: NodeJS.Timeout;
  private signing?: Promise<void>;
  /** Every new checkpoint, for delivery to clients. */
  readonly created$ = new Subject<AuditCheckpointPayload>();

  constructor(
    private readonly audit: AuditService,
    private readonly events: AuditRepository,
    private readonly repository: AuditCheckpointsRepository,
    private readonly crypto: CryptoService,
    private readonly configService: AppConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { checkpointEvery, checkpointSeconds } =
      this.configService.config.audit;
    this.latest = (await this.repository.latest()) ?? undefined;
    this.head = (await this.events.head()) ?? undefined;
    this.sinceLast = (this.head?.id ?? 0) - (this.latest?.lastId ?? 0);
    this.audit.appended$.subscribe((rows) => {
      this.head = rows[rows.length - 1];
      this.sinceLast += rows.length;
      if (this.sinceLast >= checkpointEvery) void this.checkpoint();
    });
    this.timer = setInterval(
      () => void this.checkpoint(),
      checkpointSeconds * 1000,
    );
    this.timer.unref();
    if (this.crypto.keysCreated) {
      await this.audit.record('server_keys_created', {
        detail: { fingerprint: this.crypto.fingerprint },
      });
    }
    await this.audit.record('server_started', {
      detail: { fingerprint: this.crypto.fingerprint },
    });
    // what a crash left after the last checkpoint is covered at once, not at the next interval:
    // verifiers treat old rows without a checkpoint as a break
    await this.audit.drain();
    await this.checkpoint();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.audit.record('server_stopped');
    // a signature under way covers an older head: the last one must cover server_stopped
    await this.signing;
    await this.checkpoint();
    // the checkpoint's own audit row must be committed before the database closes
    await this.audit.drain();
  }

  current(): AuditCheckpointPayload | undefined {
    return this.latest;
  }

  /** Signs the head if the log moved since the last checkpoint (its own audit row aside). */
  checkpoint(): Promise<void> {
    this.signing ??= this.sign().finally(() => (this.signing = undefined));
    return this.signing;
  }

  private async sign(): Promise<void> {
    const head = this.head;
    if (!head || head.id === this.latest?.lastId) return;
    if (
      head.type === 'checkpoint_created' &&
      head.id === (this.latest?.lastId ?? 0) + 1
    )
      return;
    const unsigned = {
      lastId: head.id,
      hash: head.hash,
      count: head.id,
      at: new Date().toISOString(),
    };
    const checkpoint = await this.repository.add({
      ...unsigned,
      signature: (await this.crypto.sign(checkpointBytes(unsigned))).toString(
        'base64',
      ),
    });
    this.latest = checkpoint;
    this.sinceLast = 0;
    // one every few seconds under traffic: a debug line, without the signature (it is in the
    // database, the admin API and every browser)
    this.logger.debug(
      `checkpoint ${checkpoint.id}: rows 1-${checkpoint.lastId} hash ${checkpoint.hash.slice(0, 16)}…`,
    );
    this.created$.next(checkpoint);
    await this.audit.record('checkpoint_created', {
      detail: {
        checkpoint: checkpoint.id,
        lastId: checkpoint.lastId,
        hash: checkpoint.hash,
      },
    });
  }
}
