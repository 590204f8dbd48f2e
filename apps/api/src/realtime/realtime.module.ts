import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module';
import { CryptoModule } from '../crypto/crypto.module';
import { ConnectionGuard } from './connection-guard';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeService } from './realtime.service';

@Module({
  imports: [CryptoModule, AuditModule],
  providers: [RealtimeGateway, RealtimeService, ConnectionGuard],
  exports: [RealtimeService, ConnectionGuard, AuditModule],
})
export class RealtimeModule {}
