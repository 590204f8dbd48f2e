import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, LessThan, MoreThanOrEqual, type Repository } from 'typeorm';

import { isUniqueViolation } from '../common/database-errors';
import { KeyLogHeadEntity } from './key-log-head.entity';
import { KeyLogLeafEntity } from './key-log-leaf.entity';

@Injectable()
export class KeyLogRepository {
  constructor(
    @InjectRepository(KeyLogLeafEntity)
    private readonly repository: Repository<KeyLogLeafEntity>,
    @InjectRepository(KeyLogHeadEntity)
    private readonly heads: Repository<KeyLogHeadEntity>,
  ) {}

  /** Keeps a signed head: every head handed out can be checked later. */
  async recordHead(head: Omit<KeyLogHeadEntity, 'id'>): Promise<void> {
    // a copy: TypeORM writes the generated id into what it inserts, and the head is public
    await this.heads.insert({ ...head });
  }

  /**
   * Appends a leaf at the next index and returns it. Instances of a cluster may append at once:
   * the loser of an index takes the next one.
   */
  async append(name: string, leaf: string): Promise<number> {
    for (;;) {
      // the leaves run from 0 without a gap: the next index follows the largest (a search of
      // the primary key; counting the rows read them all, on every first login of a name)
      const index = ((await this.repository.maximum('index')) ?? -1) + 1;
      try {
        await this.repository.insert({ index, name, leaf });
        return index;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }

  /** Leaves with indexes from `start` (inclusive) to `end` (exclusive), in order. */
  range(start: number, end: number): Promise<KeyLogLeafEntity[]> {
    if (end <= start) return Promise.resolve([]);
    return this.repository.find({
      where: { index: Between(start, end - 1) },
      order: { index: 'ASC' },
    });
  }

  /** Every leaf from `start` on (what a cache that holds the first `start` lacks). */
  from(start: number): Promise<KeyLogLeafEntity[]> {
    return this.repository.find({
      where: { index: MoreThanOrEqual(start) },
      order: { index: 'ASC' },
    });
  }

  /** The name's latest leaf among the first `size`. */
  latestFor(name: string, size: number): Promise<KeyLogLeafEntity | null> {
    return this.repository.findOne({
      where: { name, index: LessThan(size) },
      order: { index: 'DESC' },
    });
  }
}
