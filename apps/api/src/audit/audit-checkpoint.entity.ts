import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A signed statement of the chain head at some point: what a rewrite of the log cannot forge. */
@Entity('audit_checkpoints')
export class AuditCheckpointEntity {
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Column({ name: 'last_id', type: 'integer' })
  lastId!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ type: 'integer' })
  count!: number;

  @Column({ type: 'varchar', length: 32 })
  at!: string;

  /** RSA-PSS-SHA256 by the server key, base64. */
  @Column({ type: 'text' })
  signature!: string;
}
