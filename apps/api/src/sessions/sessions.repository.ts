import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { isUniqueViolation } from '../database/database-errors';
import { SessionEntity } from './session.entity';

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(SessionEntity)
    private readonly repository: Repository<SessionEntity>,
  ) {}

  /** Inserts a claim; false when the name is already claimed (unique constraint). */
  async claim(session: SessionEntity): Promise<boolean> {
    try {
      await this.repository.insert(session);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** The claim whose current or previous resume token has this hash. */
  findByTokenHash(tokenHash: string): Promise<SessionEntity | null> {
    return this.repository.findOne({
      where: [{ resumeTokenHash: tokenHash }, { previousTokenHash: tokenHash }],
    });
  }

  async update(
    id: string,
    changes: Partial<
      Pick<SessionEntity, 'resumeTokenHash' | 'previousTokenHash' | 'heldUntil'>
    >,
  ): Promise<void> {
    await this.repository.update({ id }, changes);
  }

  async release(id: string): Promise<void> {
    await this.repository.delete({ id });
  }

  /** Marks every claim as held until `heldUntil` (nobody is connected after a restart). */
  async holdAll(heldUntil: number): Promise<SessionEntity[]> {
    await this.repository
      .createQueryBuilder()
      .update()
      .set({ heldUntil })
      .execute();
    return this.repository.find();
  }
}
