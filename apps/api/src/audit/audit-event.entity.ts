import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One append-only audit row. `detail` is JSON and never holds secrets or private text. */
@Entity('audit_events')
export class AuditEventEntity {
  // An increasing integer, not a uuid: the log's order is part of what it records.
  @PrimaryGeneratedColumn('increment')
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
}
