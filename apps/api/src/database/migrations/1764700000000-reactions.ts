import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableIndex,
} from 'typeorm';

/** Reactions on public messages: one row per message, emoji and person. */
export class Reactions1764700000000 implements MigrationInterface {
  name = 'Reactions1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'reactions',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'message_id', type: 'integer' },
          { name: 'emoji', type: 'varchar', length: '64' },
          { name: 'username', type: 'varchar', length: '64' },
        ],
      }),
    );
    // one reaction per person and emoji; also the lookup by message for history pages
    await queryRunner.createIndex(
      'reactions',
      new TableIndex({
        name: 'UQ_reactions_message_emoji_user',
        columnNames: ['message_id', 'emoji', 'username'],
        isUnique: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('reactions');
  }
}
