import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Which identity key owns a name (E60). The row outlives logins: the name stays its key's until
 * it has been unused for the reservation period or an administrator released it.
 */
@Entity('name_bindings')
export class NameBindingEntity {
  /** Case- and look-alike-folded name, as for sessions. */
  @PrimaryColumn({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey!: string;

  /** The spelling the key bound; later logins with the key keep it. */
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** Base64 SPKI of the owning key; null once released (the name is free). */
  @Column({
    name: 'identity_key',
    type: 'varchar',
    length: 200,
    nullable: true,
  })
  identityKey!: string | null;

  /** Epoch ms of the last login or leave under the name. */
  @Column({ name: 'last_used_at', type: 'bigint' })
  lastUsedAt!: number;

  /**
   * Epoch ms when the current key claimed the name (A71); null for bindings older than the
   * budget. Kept through a release, so the claim stays counted for its day.
   */
  @Column({ name: 'bound_at', type: 'bigint', nullable: true })
  boundAt!: number | null;

  /** Keyed hash of the client address that claimed it (A71), as in the audit log. */
  @Column({ name: 'bound_from', type: 'varchar', length: 64, nullable: true })
  boundFrom!: string | null;

  /** The key-log leaf recording this state; null until it is appended. */
  @Column({ name: 'leaf_index', type: 'integer', nullable: true })
  leafIndex!: number | null;
}
