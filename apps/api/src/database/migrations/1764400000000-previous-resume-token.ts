import {
  type MigrationInterface,
  type QueryRunner,
  TableColumn,
  TableIndex,
} from 'typeorm';

/**
 * A resume rotates the token; the one it replaced stays good until the new one is used, so a
 * connection that drops before the new token arrives can still resume.
 */
export class PreviousResumeToken1764400000000 implements MigrationInterface {
  name = 'PreviousResumeToken1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sessions',
      new TableColumn({
        name: 'previous_token_hash',
        type: 'varchar',
        length: '64',
        isNullable: true,
      }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({
        name: 'idx_sessions_previous_token_hash',
        columnNames: ['previous_token_hash'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sessions', 'idx_sessions_previous_token_hash');
    await queryRunner.dropColumn('sessions', 'previous_token_hash');
  }
}
