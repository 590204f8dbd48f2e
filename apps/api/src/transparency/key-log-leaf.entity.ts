import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One leaf of the key-transparency log: its place in the tree, the name it is about, its bytes. */
@Entity('key_log_leaves')
export class KeyLogLeafEntity {
  /** The leaf index, from 0: the tree's order, never reused. */
  @PrimaryColumn({ type: 'integer' })
  index!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** The exact leaf bytes (`bindingLeaf`), base64. */
  @Column({ type: 'text' })
  leaf!: string;
}
