import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ReactionSummary } from '@app/shared';
import { In, type Repository } from 'typeorm';

import { isUniqueViolation } from '../common/database-errors';
import { ReactionEntity } from './reaction.entity';

@Injectable()
export class ReactionsRepository {
  constructor(
    @InjectRepository(ReactionEntity)
    private readonly repository: Repository<ReactionEntity>,
  ) {}

  /** Adds or takes back one reaction; doing either twice changes nothing (resends, races). */
  async set(reaction: Omit<ReactionEntity, 'id'>, on: boolean): Promise<void> {
    if (!on) {
      await this.repository.delete(reaction);
      return;
    }
    try {
      await this.repository.insert(reaction);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /** The different emoji on a message so far. */
  async emojiOn(messageId: number): Promise<string[]> {
    const rows = await this.repository
      .createQueryBuilder('r')
      .select('DISTINCT r.emoji', 'emoji')
      .where('r.message_id = :messageId', { messageId })
      .getRawMany<{ emoji: string }>();
    return rows.map((r) => r.emoji);
  }

  /** Each message's reactions, in the order they were first given. */
  async forMessages(ids: number[]): Promise<Map<number, ReactionSummary[]>> {
    const found = new Map<number, ReactionSummary[]>();
    if (ids.length === 0) return found;
    const rows = await this.repository.find({
      where: { messageId: In(ids) },
      order: { id: 'ASC' },
    });
    for (const row of rows) {
      const id = Number(row.messageId);
      const list = found.get(id) ?? [];
      const summary = list.find((s) => s.emoji === row.emoji);
      if (summary) summary.users.push(row.username);
      else list.push({ emoji: row.emoji, users: [row.username] });
      found.set(id, list);
    }
    return found;
  }
}
