import { Module } from '@nestjs/common';

import { CryptoModule } from '../crypto/crypto.module';
import { HealthController } from './health.controller';

@Module({ imports: [CryptoModule], controllers: [HealthController] })
export class HealthModule {}
