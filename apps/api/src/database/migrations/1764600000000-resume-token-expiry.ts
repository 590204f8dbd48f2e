import {
  type MigrationInterface,
  type QueryRunner,
  TableColumn,
} from 'typeorm';

/**
 * The token a resume replaced stays good only until its successor is used or the grace period
 * ends (A51): it now carries its own end.
 */
export class ResumeTokenExpiry1764600000000 implements MigrationInterface {
  name = 'ResumeTokenExpiry1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sessions',
      new TableColumn({
        name: 'previous_token_until',
        type: 'bigint',
        isNullable: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('sessions', 'previous_token_until');
  }
}
