import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';

import {
  type ChainRow,
  GENESIS_HASH,
  type HashedRow,
  chainHash,
} from './audit-chain';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditQuery {
  limit: number;
  /** Only rows with a smaller id (the cursor). */
  before?: number;
  type?: string;
  /** Rows where this user is the actor or the target. */
  user?: string;
  from?: string;
  to?: string;
}

const COLUMNS = [
  'id',
  'at',
  'type',
  'actor',
  'target',
  'detail',
  'hash',
] as const;

/**
 * Streams the whole log in id order, a page at a time (keyset pagination), so verifying a
 * million rows never holds more than one page in memory. Used by the API and the CLI.
 */
export async function* readChain(
  manager: EntityManager,
  pageSize = 10_000,
): AsyncIterable<HashedRow> {
  let after = 0;
  for (;;) {
    const page: HashedRow[] = await manager
      .createQueryBuilder(AuditEventEntity, 'e')
      .select(COLUMNS.map((c) => `e.${c}`))
      .where('e.id > :after', { after })
      .orderBy('e.id', 'ASC')
      .limit(pageSize)
      .getMany();
    if (page.length === 0) return;
    for (const row of page) yield { ...row, id: Number(row.id) };
    after = Number(page[page.length - 1].id);
  }
}

@Injectable()
export class AuditRepository {
  constructor(
    @InjectRepository(AuditEventEntity)
    private readonly repository: Repository<AuditEventEntity>,
  ) {}

  /**
   * Appends rows after the current head: ids and hashes continue the chain. The rows go in one
   * multi-row INSERT, atomic by itself, so no transaction is held open across awaits (on SQLite
   * the one connection is shared with every other write). Two writers racing for the same
   * place collide on the primary key, so the chain cannot fork; the loser retries on the new head.
   */
  async appendBatch(entries: Omit<ChainRow, 'id'>[]): Promise<HashedRow[]> {
    // plain SQL: every event of the server passes here, the query builder's cost adds up
    const manager = this.repository.manager;
    const [head] = (await manager.query(
      'SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1',
    )) as { id: number | string; hash: string }[];
    let prev = head?.hash ?? GENESIS_HASH;
    let id = head ? Number(head.id) : 0;
    const rows = entries.map((entry) => {
      const row = { ...entry, id: ++id };
      prev = chainHash(prev, row);
      return { ...row, hash: prev };
    });
    const postgres = manager.connection.options.type === 'postgres';
    let n = 0;
    const param = () => (postgres ? `$${++n}` : '?');
    const values = rows
      .map(() => `(${COLUMNS.map(param).join(', ')})`)
      .join(', ');
    await manager.query(
      `INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES ${values}`,
      rows.flatMap((row) => COLUMNS.map((column) => row[column])),
    );
    return rows;
  }

  async head(): Promise<HashedRow | null> {
    const [row] = await this.repository.find({
      order: { id: 'DESC' },
      take: 1,
    });
    return row ? { ...row, id: Number(row.id) } : null;
  }

  /** Newest first. */
  async page(query: AuditQuery): Promise<HashedRow[]> {
    const qb = this.repository
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .limit(query.limit);
    if (query.before !== undefined)
      qb.andWhere('e.id < :before', { before: query.before });
    if (query.type) qb.andWhere('e.type = :type', { type: query.type });
    if (query.user)
      qb.andWhere('(e.actor = :user OR e.target = :user)', {
        user: query.user,
      });
    if (query.from) qb.andWhere('e.at >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.at <= :to', { to: query.to });
    return (await qb.getMany()).map((row) => ({ ...row, id: Number(row.id) }));
  }

  readChain(): AsyncIterable<HashedRow> {
    return readChain(this.repository.manager);
  }
}
