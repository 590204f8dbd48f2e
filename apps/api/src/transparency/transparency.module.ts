import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CryptoModule } from '../crypto/crypto.module';
import { KeyLogHeadEntity } from './key-log-head.entity';
import { KeyLogLeafEntity } from './key-log-leaf.entity';
import { KeyLogRateGuard } from './key-log-rate.guard';
import { KeyLogController } from './key-log.controller';
import { KeyLogRepository } from './key-log.repository';
import { KeyLogService } from './key-log.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([KeyLogLeafEntity, KeyLogHeadEntity]),
    CryptoModule,
  ],
  controllers: [KeyLogController],
  providers: [KeyLogRepository, KeyLogService, KeyLogRateGuard],
  exports: [KeyLogService],
})
export class TransparencyModule {}
