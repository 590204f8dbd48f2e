import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A tree head the server signed and handed out: kept so that `npm run kt:verify` checks them all. */
@Entity('key_log_heads')
export class KeyLogHeadEntity {
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ name: 'root_hash', type: 'varchar', length: 64 })
  rootHash!: string;

  @Column({ type: 'varchar', length: 32 })
  timestamp!: string;

  @Column({ type: 'text' })
  signature!: string;
}
