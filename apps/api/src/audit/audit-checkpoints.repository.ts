import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AuditCheckpointPayload } from '@app/shared';
import type { EntityManager, Repository } from 'typeorm';

import { AuditCheckpointEntity } from './audit-checkpoint.entity';

export function readCheckpoints(
  manager: EntityManager,
): Promise<AuditCheckpointPayload[]> {
  return manager.find(AuditCheckpointEntity, { order: { id: 'ASC' } });
}

@Injectable()
export class AuditCheckpointsRepository {
  constructor(
    @InjectRepository(AuditCheckpointEntity)
    private readonly repository: Repository<AuditCheckpointEntity>,
  ) {}

  async add(
    checkpoint: Omit<AuditCheckpointEntity, 'id'>,
  ): Promise<AuditCheckpointPayload> {
    const result = await this.repository.insert(checkpoint);
    return { ...checkpoint, id: Number(result.identifiers[0]['id']) };
  }

  async latest(): Promise<AuditCheckpointPayload | null> {
    const [row] = await this.repository.find({
      order: { id: 'DESC' },
      take: 1,
    });
    return row ?? null;
  }

  /** Newest first. */
  recent(limit: number): Promise<AuditCheckpointPayload[]> {
    return this.repository.find({ order: { id: 'DESC' }, take: limit });
  }

  all(): Promise<AuditCheckpointPayload[]> {
    return readCheckpoints(this.repository.manager);
  }
}
