import { Controller, Get } from '@nestjs/common';

import { CryptoService } from '../crypto/crypto.service';

@Controller('health')
export class HealthController {
  constructor(private readonly crypto: CryptoService) {}

  /** 200 once the server accepts chat connections. The fingerprint is public by design. */
  @Get()
  health(): { status: 'ok'; fingerprint: string } {
    return { status: 'ok', fingerprint: this.crypto.fingerprint };
  }
}
