import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Limits, type ReactionSummary } from '@app/shared';
import type { Repository } from 'typeorm';

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

  /**
   * Each message's reactions, in the order they were first given, as `viewer` sees them: per
   * emoji its count, the first `Limits.reactionNamesShown` names and the viewer's own (L69). One
   * query whatever the number of reactors: the database ranks and counts, only the names shown
   * are read.
   */
  async forMessages(
    ids: number[],
    viewer: string,
  ): Promise<Map<number, ReactionSummary[]>> {
    const found = new Map<number, ReactionSummary[]>();
    if (ids.length === 0) return found;
    const ranked = this.repository
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .addSelect('r.message_id', 'message_id')
      .addSelect('r.emoji', 'emoji')
      .addSelect('r.username', 'username')
      .addSelect(
        'ROW_NUMBER() OVER (PARTITION BY r.message_id, r.emoji ORDER BY r.id)',
        'rank',
      )
      .addSelect('COUNT(*) OVER (PARTITION BY r.message_id, r.emoji)', 'total')
      .where('r.message_id IN (:...ids)', { ids });
    const rows = await this.repository.manager
      .createQueryBuilder()
      .select('x.*')
      .from(`(${ranked.getQuery()})`, 'x')
      .where('(x.rank <= :shown OR x.username = :viewer)', {
        shown: Limits.reactionNamesShown,
        viewer,
      })
      .setParameters({ ...ranked.getParameters() })
      .orderBy('x.id', 'ASC')
      .getRawMany<{
        message_id: number | string;
        emoji: string;
        username: string;
        rank: number | string;
        total: number | string;
      }>();
    for (const row of rows) {
      const id = Number(row.message_id);
      const list = found.get(id) ?? [];
      let summary = list.find((s) => s.emoji === row.emoji);
      if (!summary) {
        summary = { emoji: row.emoji, users: [], count: Number(row.total) };
        list.push(summary);
      }
      summary.users.push(row.username);
      found.set(id, list);
    }
    // the order an emoji was first given in: its first giver is ranked 1, and rows come by id
    return found;
  }
}
