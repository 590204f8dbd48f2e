import { Controller, Get } from '@nestjs/common';
import { ErrorCode } from '@app/shared';
import { DataSource } from 'typeorm';

import { ClusterService } from '../cluster/cluster.service';
import { DomainException } from '../common/domain.exception';
import { CryptoService } from '../crypto/crypto.service';

/** A database that has not answered `SELECT 1` by then is not ready for users. */
const READY_WITHIN_MS = 2000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly crypto: CryptoService,
    private readonly cluster: ClusterService,
    private readonly database: DataSource,
  ) {}

  /**
   * 200 once the server accepts chat connections. `degraded`: one of several instances lost
   * Redis; it still serves its own users. The fingerprint is public by design.
   */
  @Get()
  health(): { status: 'ok' | 'degraded'; fingerprint: string } {
    return {
      status: this.cluster.status,
      fingerprint: this.crypto.fingerprint,
    };
  }

  /**
   * For a load balancer or an orchestrator: 200 while the database answers (SQLite or
   * PostgreSQL), 503 with a reason when it does not, so traffic goes to another instance.
   */
  @Get('ready')
  async ready(): Promise<{ status: 'ready' }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error('late')), READY_WITHIN_MS);
    });
    try {
      await Promise.race([this.database.query('SELECT 1'), late]);
    } catch {
      throw new DomainException(
        ErrorCode.Unavailable,
        'The database does not answer; this instance is not ready.',
      );
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ready' };
  }
}
