import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';

import type { RemoteMember } from '../cluster/cluster-events';
import { isUniqueViolation } from '../common/database-errors';
import { SessionEntity } from './session.entity';

/** Claims of instances that are gone: not in `instances` (cluster only; one instance never reaps). */
const LOST =
  'instance_id IS NOT NULL AND instance_id NOT IN (SELECT id FROM instances)';
/** Claims nobody holds any more and nobody resumed in time. */
const EXPIRED_ORPHAN = 'instance_id IS NULL AND held_until < :now';

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(SessionEntity)
    private readonly repository: Repository<SessionEntity>,
  ) {}

  /**
   * Inserts a claim; false when the name is already claimed (unique constraint). A claim left
   * by a dead instance whose hold has run out does not count: it is removed and the insert retried.
   */
  async claim(session: SessionEntity): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.repository.insert(session);
        return true;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (attempt > 0) return false;
        const stale = await this.repository
          .createQueryBuilder()
          .delete()
          .where('name_key = :key', { key: session.nameKey })
          .andWhere(EXPIRED_ORPHAN, { now: Date.now() })
          .execute();
        if (!stale.affected) return false;
      }
    }
  }

  /** The claim whose current or previous resume token has this hash. */
  findByTokenHash(tokenHash: string): Promise<SessionEntity | null> {
    return this.repository.findOne({
      where: [{ resumeTokenHash: tokenHash }, { previousTokenHash: tokenHash }],
    });
  }

  /**
   * Replaces the resume token if it is still the one read (compare and set): of two resumes
   * racing with one token, exactly one wins (A51).
   */
  async rotateToken(
    id: string,
    expectedTokenHash: string,
    changes: Partial<
      Pick<
        SessionEntity,
        | 'resumeTokenHash'
        | 'previousTokenHash'
        | 'previousTokenUntil'
        | 'heldUntil'
      >
    >,
  ): Promise<boolean> {
    const result = await this.repository.update(
      { id, resumeTokenHash: expectedTokenHash },
      changes,
    );
    return (result.affected ?? 0) > 0;
  }

  async update(
    id: string,
    changes: Partial<
      Pick<SessionEntity, 'resumeTokenHash' | 'previousTokenHash' | 'heldUntil'>
    >,
  ): Promise<void> {
    await this.repository.update({ id }, changes);
  }

  /** Removes the claim if this instance still holds it (it may have moved on). */
  async release(id: string, instanceId: string): Promise<boolean> {
    const result = await this.repository.delete({ id, instanceId });
    return (result.affected ?? 0) > 0;
  }

  /** Marks every claim as held until `heldUntil` by this instance (nobody is connected after a restart). */
  async holdAll(
    heldUntil: number,
    instanceId: string,
  ): Promise<SessionEntity[]> {
    await this.repository
      .createQueryBuilder()
      .update()
      .set({ heldUntil, instanceId })
      .execute();
    return this.repository.find();
  }

  /** Takes a claim over from the instance that held it (or from none); false if it moved meanwhile. */
  async adopt(
    id: string,
    from: string | null,
    instanceId: string,
  ): Promise<boolean> {
    const result = await this.repository.update(
      { id, instanceId: from ?? IsNull() },
      { instanceId },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Takes back the orphaned claims of these members (this instance was taken for dead); those
   * `connected` are not held any more.
   */
  async reclaim(
    ids: readonly string[],
    instanceId: string,
    connected: boolean,
  ): Promise<void> {
    const changes = connected
      ? { instanceId, heldUntil: null }
      : { instanceId };
    for (let i = 0; i < ids.length; i += 500) {
      await this.repository
        .createQueryBuilder()
        .update()
        .set(changes)
        .where('id IN (:...ids)', { ids: ids.slice(i, i + 500) })
        .andWhere('instance_id IS NULL')
        .execute();
    }
  }

  /** Claims of dead instances become orphans, held for a resume anywhere until `heldUntil`. */
  async orphanLost(heldUntil: number): Promise<void> {
    await this.repository
      .createQueryBuilder()
      .update()
      .set({ instanceId: null, heldUntil })
      .where(LOST)
      .execute();
  }

  /** Removes orphans nobody resumed in time; the names released (each by one instance only). */
  async releaseExpiredOrphans(now: number): Promise<string[]> {
    const result = await this.repository
      .createQueryBuilder()
      .delete()
      .where(EXPIRED_ORPHAN, { now })
      .returning(['username'])
      .execute();
    return ((result.raw ?? []) as { username: string }[]).map(
      (r) => r.username,
    );
  }

  /** Members held by the other live instances. */
  async othersMembers(
    instanceId: string,
    aliveSince: number,
  ): Promise<RemoteMember[]> {
    const rows = await this.repository
      .createQueryBuilder('s')
      .where('s.instance_id <> :instanceId', { instanceId })
      .andWhere(
        's.instance_id IN (SELECT id FROM instances WHERE seen_at >= :aliveSince)',
        { aliveSince },
      )
      .getMany();
    return rows.map((row) => ({
      sessionId: row.id,
      username: row.username,
      key: row.nameKey,
      since: row.connectedSince,
      instance: row.instanceId as string,
      connected: row.heldUntil === null,
    }));
  }
}
