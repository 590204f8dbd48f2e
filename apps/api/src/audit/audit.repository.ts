import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { AuditEventEntity } from './audit-event.entity';

@Injectable()
export class AuditRepository {
  constructor(
    @InjectRepository(AuditEventEntity)
    private readonly repository: Repository<AuditEventEntity>,
  ) {}

  async append(row: Omit<AuditEventEntity, 'id'>): Promise<void> {
    await this.repository.insert(row);
  }

  /** Newest first. */
  async latest(limit: number, type?: string): Promise<AuditEventEntity[]> {
    return this.repository.find({
      where: type ? { type } : {},
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
