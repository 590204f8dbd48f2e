import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A running instance of a cluster; one that stops updating `seen_at` is gone. */
@Entity('instances')
export class InstanceEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Epoch ms of its last heartbeat. */
  @Column({ name: 'seen_at', type: 'bigint' })
  seenAt!: number;
}
