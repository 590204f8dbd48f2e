import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module';
import { CryptoModule } from '../crypto/crypto.module';
import { ConnectionGuard } from './connection-guard';
import { DeliveryService } from './delivery.service';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeService } from './realtime.service';

@Module({
  imports: [CryptoModule, AuditModule],
  providers: [
    RealtimeGateway,
    RealtimeService,
    DeliveryService,
    ConnectionGuard,
  ],
  exports: [RealtimeService, DeliveryService, ConnectionGuard, AuditModule],
})
export class RealtimeModule {}
