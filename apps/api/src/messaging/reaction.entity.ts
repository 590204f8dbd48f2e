import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One person's emoji on a public message (private ones are never stored). */
@Entity('reactions')
export class ReactionEntity {
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Column({ name: 'message_id', type: 'integer' })
  messageId!: number;

  @Column({ type: 'varchar', length: 64 })
  emoji!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;
}
