import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CryptoModule } from '../crypto/crypto.module';
import { AuditCheckpointEntity } from './audit-checkpoint.entity';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { AuditCheckpointsService } from './audit-checkpoints.service';
import { AuditEventEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([AuditEventEntity, AuditCheckpointEntity]),
    CryptoModule,
  ],
  providers: [
    AuditRepository,
    AuditCheckpointsRepository,
    AuditService,
    AuditCheckpointsService,
  ],
  exports: [
    AuditService,
    AuditRepository,
    AuditCheckpointsRepository,
    AuditCheckpointsService,
  ],
})
export class AuditModule {}
