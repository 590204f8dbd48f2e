import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThanOrEqual, Not, type Repository } from 'typeorm';

import { isUniqueViolation } from '../common/database-errors';
import { NameBindingEntity } from './name-binding.entity';

/**
 * Name ownership. Every change is a compare-and-set on the state read, so of two browsers
 * claiming one name at once (on one instance or several) exactly one wins.
 */
@Injectable()
export class NameBindingsRepository {
  constructor(
    @InjectRepository(NameBindingEntity)
    private readonly repository: Repository<NameBindingEntity>,
  ) {}

  find(nameKey: string): Promise<NameBindingEntity | null> {
    return this.repository.findOneBy({ nameKey });
  }

  /** Binds a name nobody ever held; false when someone bound it first. */
  async create(
    binding: Omit<NameBindingEntity, 'leafIndex'>,
  ): Promise<boolean> {
    try {
      await this.repository.insert({ ...binding, leafIndex: null });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Hands the name to another key (or to none), if it is still in the state `was` read. */
  async replace(
    was: NameBindingEntity,
    next: Pick<NameBindingEntity, 'username' | 'identityKey' | 'lastUsedAt'> &
      Partial<Pick<NameBindingEntity, 'boundAt' | 'boundFrom'>>,
  ): Promise<boolean> {
    const result = await this.repository.update(
      {
        nameKey: was.nameKey,
        identityKey: was.identityKey ?? IsNull(),
        lastUsedAt: was.lastUsedAt,
      },
      { ...next, leafIndex: null },
    );
    return result.affected === 1;
  }

  /** Names `identityKey` holds: bound to it and used since `usedSince` (not expired). */
  heldBy(identityKey: string, usedSince: number): Promise<number> {
    return this.repository.countBy({
      identityKey,
      lastUsedAt: MoreThanOrEqual(usedSince),
    });
  }

  /** Names claimed from the client address `boundFrom` since `since` (epoch ms). */
  claimedFrom(boundFrom: string, since: number): Promise<number> {
    return this.repository.countBy({
      boundFrom,
      boundAt: MoreThanOrEqual(since),
    });
  }

  /** The owner used the name (a login or a leave): its reservation starts again. */
  async touch(nameKey: string, at: number): Promise<void> {
    await this.repository.update(
      { nameKey, identityKey: Not(IsNull()) },
      { lastUsedAt: at },
    );
  }

  /** Notes the leaf that logged the binding's current state. */
  async logged(
    nameKey: string,
    identityKey: string | null,
    leafIndex: number,
  ): Promise<void> {
    await this.repository.update(
      { nameKey, identityKey: identityKey ?? IsNull(), leafIndex: IsNull() },
      { leafIndex },
    );
  }

  /** States not yet in the key log (a crash between a change and its leaf). */
  unlogged(): Promise<NameBindingEntity[]> {
    return this.repository.findBy({ leafIndex: IsNull() });
  }
}
