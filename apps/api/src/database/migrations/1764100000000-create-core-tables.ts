import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableIndex,
} from 'typeorm';

/** Audit log, public messages and username claims. Written with the portable Table API (SQLite and PostgreSQL). */
export class CreateCoreTables1764100000000 implements MigrationInterface {
  name = 'CreateCoreTables1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'at', type: 'varchar', length: '32' },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'actor', type: 'varchar', length: '64', isNullable: true },
          { name: 'target', type: 'varchar', length: '64', isNullable: true },
          { name: 'detail', type: 'text' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'idx_audit_events_type', columnNames: ['type'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'messages',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'client_id', type: 'varchar', length: '64' },
          { name: 'sender', type: 'varchar', length: '64' },
          { name: 'text', type: 'text' },
          { name: 'at', type: 'varchar', length: '32' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'name_key', type: 'varchar', length: '64', isUnique: true },
          { name: 'resume_token_hash', type: 'varchar', length: '64' },
          { name: 'connected_since', type: 'varchar', length: '32' },
          { name: 'held_until', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({
        name: 'idx_sessions_resume_token_hash',
        columnNames: ['resume_token_hash'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sessions');
    await queryRunner.dropTable('messages');
    await queryRunner.dropTable('audit_events');
  }
}
