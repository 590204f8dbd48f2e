import { createHash } from 'node:crypto';

import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
} from 'typeorm';

// Frozen as they were when this migration was written: a migration never imports live code,
// which may change after it ran (the live chain is audit/audit-chain.ts, same v1 encoding).
const GENESIS_HASH = '0'.repeat(64);

interface Row {
  id: number;
  at: string;
  type: string;
  actor: string | null;
  target: string | null;
  detail: string;
}

/** hash = SHA-256(prev_hash ‖ "\n" ‖ the row's v1 canonical encoding), hex. */
function chainHash(prevHash: string, row: Row): string {
  const encoding = JSON.stringify([
    'fuv-audit/v1',
    row.id,
    row.at,
    row.type,
    row.actor,
    row.target,
    row.detail,
  ]);
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(encoding)
    .digest('hex');
}

/** Chains the audit log (a hash per row, existing rows hashed in id order) and adds signed checkpoints. */
export class AddAuditChain1764200000000 implements MigrationInterface {
  name = 'AddAuditChain1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'audit_events',
      new TableColumn({
        name: 'hash',
        type: 'varchar',
        length: '64',
        isNullable: true,
      }),
    );
    const rows: Row[] = await queryRunner.manager
      .createQueryBuilder()
      .select(['id', 'at', 'type', 'actor', 'target', 'detail'])
      .from('audit_events', 'e')
      .orderBy('id')
      .getRawMany();
    let prev = GENESIS_HASH;
    for (const row of rows) {
      prev = chainHash(prev, { ...row, id: Number(row.id) });
      await queryRunner.manager
        .createQueryBuilder()
        .update('audit_events')
        .set({ hash: prev })
        .where('id = :id', { id: row.id })
        .execute();
    }
    await queryRunner.createTable(
      new Table({
        name: 'audit_checkpoints',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'last_id', type: 'integer' },
          { name: 'hash', type: 'varchar', length: '64' },
          { name: 'count', type: 'integer' },
          { name: 'at', type: 'varchar', length: '32' },
          { name: 'signature', type: 'text' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_checkpoints');
    await queryRunner.dropColumn('audit_events', 'hash');
  }
}
