import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
  TableIndex,
} from 'typeorm';

/**
 * Several instances share one database: each claim records the instance that holds it, and each
 * instance marks itself alive, so the claims of one that died can be found and released.
 */
export class ClusterInstances1764500000000 implements MigrationInterface {
  name = 'ClusterInstances1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sessions',
      new TableColumn({
        name: 'instance_id',
        type: 'varchar',
        length: '36',
        isNullable: true,
      }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({
        name: 'idx_sessions_instance_id',
        columnNames: ['instance_id'],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'instances',
        columns: [
          {
            name: 'id',
            type: 'varchar',
            length: '36',
            isPrimary: true,
          },
          { name: 'seen_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('instances');
    await queryRunner.dropIndex('sessions', 'idx_sessions_instance_id');
    await queryRunner.dropColumn('sessions', 'instance_id');
  }
}
