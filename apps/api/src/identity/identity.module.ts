import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditModule } from '../audit/audit.module';
import { TransparencyModule } from '../transparency/transparency.module';
import { IdentityService } from './identity.service';
import { NameBindingEntity } from './name-binding.entity';
import { NameBindingsRepository } from './name-bindings.repository';
import { NameBudget } from './name-budget';

@Module({
  imports: [
    TypeOrmModule.forFeature([NameBindingEntity]),
    AuditModule,
    TransparencyModule,
  ],
  providers: [NameBindingsRepository, NameBudget, IdentityService],
  exports: [IdentityService],
})
export class IdentityModule {}
