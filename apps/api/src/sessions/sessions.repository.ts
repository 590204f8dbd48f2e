import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';

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
      if (
        error instanceof QueryFailedError &&
        /unique|duplicate/i.test(error.message)
      )
        return false;
      throw error;
    }
  }

  findByTokenHash(resumeTokenHash: string): Promise<SessionEntity | null> {
    return this.repository.findOneBy({ resumeTokenHash });
  }

  async update(
    id: string,
    changes: Partial<Pick<SessionEntity, 'resumeTokenHash' | 'heldUntil'>>,
  ): Promise<void> {
    await this.repository.update({ id }, changes);
  }

  async release(id: string): Promise<void> {
    await this.repository.delete({ id });
  }

  /** Drops the claims of a previous run: after a restart nobody is connected. */
  async releaseAll(): Promise<void> {
    await this.repository.clear();
  }
}
