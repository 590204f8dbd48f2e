import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableIndex,
} from 'typeorm';

/** The key-transparency log: its leaves (an append-only Merkle tree, RFC 9162) and signed heads. */
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
    await queryRunner.createTable(
      new Table({
        name: 'key_log_heads',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'size', type: 'integer' },
          { name: 'root_hash', type: 'varchar', length: '64' },
          { name: 'timestamp', type: 'varchar', length: '32' },
          { name: 'signature', type: 'text' },
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
    await queryRunner.dropTable('key_log_heads');
    await queryRunner.dropTable('key_log_leaves');
  }
}
