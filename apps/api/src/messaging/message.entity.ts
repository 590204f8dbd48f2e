import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A public message. Private messages are never stored (the audit log keeps their metadata). */
@Entity('messages')
export class MessageEntity {
  // increasing integer: history and, later, catch-up read by this offset
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 64 })
  sender!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 32 })
  at!: string;
}
