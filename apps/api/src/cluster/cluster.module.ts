import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ClusterService } from './cluster.service';
import { InstanceEntity } from './instance.entity';
import { InstancesRepository } from './instances.repository';

/** The other instances sharing the chat, when there are (REDIS_URL). */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([InstanceEntity])],
  providers: [InstancesRepository, ClusterService],
  exports: [ClusterService],
})
export class ClusterModule {}
