import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One append-only audit row, chained to the one before it by `hash`. `detail` is JSON and
 * never holds secrets or private text.
 */
@Entity('audit_events')
export class AuditEventEntity {
  // assigned by the appender (previous id + 1), not by the database: the id is part of what
  // the hash covers, and the primary key makes two rows claiming one place in the chain fail
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  /** ISO 8601, set by the server when the event happened. */
  @Column({ type: 'varchar', length: 32 })
  at!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  actor!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  target!: string | null;

  @Column({ type: 'text' })
  detail!: string;

  /** SHA-256(previous row's hash ‖ canonical encoding of this row), hex. */
  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
