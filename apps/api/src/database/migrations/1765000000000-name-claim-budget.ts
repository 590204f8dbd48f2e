import {
  type MigrationInterface,
  type QueryRunner,
  TableColumn,
  TableIndex,
} from 'typeorm';

/**
 * What a new name costs (A71): each binding notes when, and from which keyed client address,
 * its key claimed it, so the names of one key and the new names of one address can be counted
 * by any instance, after any restart.
 */
export class NameClaimBudget1765000000000 implements MigrationInterface {
  name = 'NameClaimBudget1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('name_bindings', [
      new TableColumn({ name: 'bound_at', type: 'bigint', isNullable: true }),
      new TableColumn({
        name: 'bound_from',
        type: 'varchar',
        length: '64',
        isNullable: true,
      }),
    ]);
    await queryRunner.createIndex(
      'name_bindings',
      new TableIndex({
        name: 'idx_name_bindings_identity_key',
        columnNames: ['identity_key'],
      }),
    );
    await queryRunner.createIndex(
      'name_bindings',
      new TableIndex({
        name: 'idx_name_bindings_bound_from',
        columnNames: ['bound_from', 'bound_at'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex(
      'name_bindings',
      'idx_name_bindings_bound_from',
    );
    await queryRunner.dropIndex(
      'name_bindings',
      'idx_name_bindings_identity_key',
    );
    await queryRunner.dropColumns('name_bindings', ['bound_from', 'bound_at']);
  }
}
