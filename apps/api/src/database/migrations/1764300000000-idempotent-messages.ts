import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** A resent message (same sender, same client id) can be stored only once (R35). */
export class IdempotentMessages1764300000000 implements MigrationInterface {
  name = 'IdempotentMessages1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'messages',
      new TableIndex({
        name: 'UQ_messages_sender_client_id',
        columnNames: ['sender', 'client_id'],
        isUnique: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('messages', 'UQ_messages_sender_client_id');
  }
}
