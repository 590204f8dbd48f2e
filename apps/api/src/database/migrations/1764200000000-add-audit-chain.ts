import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
} from 'typeorm';

import { GENESIS_HASH, chainHash } from '../../audit/audit-chain';

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
    const rows: {
      id: number;
      at: string;
      type: string;
      actor: string | null;
      target: string | null;
      detail: string;
    }[] = await queryRunner.manager
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
