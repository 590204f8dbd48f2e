import { Controller, Get } from '@nestjs/common';

import { ClusterService } from '../cluster/cluster.service';
import { CryptoService } from '../crypto/crypto.service';

@Controller('health')
export class HealthController {
  constructor(
    private readonly crypto: CryptoService,
    private readonly cluster: ClusterService,
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
}
