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

  /** Marks the instance alive; false when its row was gone (the others took it for dead). */
  async beat(id: string, seenAt: number): Promise<boolean> {
    const updated = await this.repository.update({ id }, { seenAt });
    if ((updated.affected ?? 0) > 0) return true;
    await this.repository.upsert({ id, seenAt }, ['id']);
    return false;
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
