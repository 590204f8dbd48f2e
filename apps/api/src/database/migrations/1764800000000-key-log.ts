import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableIndex,
} from 'typeorm';

/** The key-transparency log's leaves (an append-only Merkle tree, RFC 9162). */
export class KeyLog1764800000000 implements MigrationInterface {
  name = 'KeyLog1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'key_log_leaves',
        columns: [
          { name: 'index', type: 'integer', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'leaf', type: 'text' },
        ],
      }),
    );
    // a name's latest binding, for proofs
    await queryRunner.createIndex(
      'key_log_leaves',
      new TableIndex({
        name: 'IDX_key_log_leaves_name_index',
        columnNames: ['name', 'index'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('key_log_leaves');
  }
}
