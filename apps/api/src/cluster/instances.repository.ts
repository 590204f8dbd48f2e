import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { InstanceEntity } from './instance.entity';

/** Heartbeats of the cluster's instances (PostgreSQL: a cluster shares it). */
@Injectable()
export class InstancesRepository {
  constructor(
    @InjectRepository(InstanceEntity)
    private readonly repository: Repository<InstanceEntity>,
  ) {}

  async beat(id: string, seenAt: number): Promise<void> {
    await this.repository.upsert({ id, seenAt }, ['id']);
  }

  /** Forgets instances not seen since `aliveSince`; their claims are then released by sessions. */
  async reap(aliveSince: number): Promise<void> {
    await this.repository
      .createQueryBuilder()
      .delete()
      .where('seen_at < :aliveSince', { aliveSince })
      .execute();
  }
}
