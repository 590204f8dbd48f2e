import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A claimed username. The unique `name_key` makes two claims of one name impossible (A17). */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** Case- and look-alike-folded name: the uniqueness key. */
  @Column({ name: 'name_key', type: 'varchar', length: 64, unique: true })
  nameKey!: string;

  /** SHA-256 of the resume token; the token itself is never stored. */
  @Column({ name: 'resume_token_hash', type: 'varchar', length: 64 })
  resumeTokenHash!: string;

  /** The token the last resume replaced: good until the new one is used (its answer may be lost). */
  @Column({
    name: 'previous_token_hash',
    type: 'varchar',
    length: 64,
    nullable: true,
  })
  previousTokenHash!: string | null;

  /** Epoch ms after which the previous token is refused even if its successor was never used. */
  @Column({ name: 'previous_token_until', type: 'bigint', nullable: true })
  previousTokenUntil!: number | null;

  @Column({ name: 'connected_since', type: 'varchar', length: 32 })
  connectedSince!: string;

  /** The instance whose memory holds this member; null once that instance is gone. */
  @Column({ name: 'instance_id', type: 'varchar', length: 36, nullable: true })
  instanceId!: string | null;

  /** Epoch ms until which a dropped user's name is held; null while connected. */
  @Column({ name: 'held_until', type: 'bigint', nullable: true })
  heldUntil!: number | null;
}
