import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** Names owned by identity keys (E60). */
export class NameBindings1764900000000 implements MigrationInterface {
  name = 'NameBindings1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'name_bindings',
        columns: [
          { name: 'name_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'username', type: 'varchar', length: '64' },
          {
            name: 'identity_key',
            type: 'varchar',
            length: '200',
            isNullable: true,
          },
          { name: 'last_used_at', type: 'bigint' },
          { name: 'leaf_index', type: 'integer', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('name_bindings');
  }
}
