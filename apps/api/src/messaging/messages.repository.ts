import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, type Repository } from 'typeorm';

import { isUniqueViolation } from '../common/database-errors';
import { MessageEntity } from './message.entity';

export interface Appended {
  row: MessageEntity;
  /** The sender had already stored this message (a resend): `row` is the original. */
  duplicate: boolean;
}

@Injectable()
export class MessagesRepository {
  constructor(
    @InjectRepository(MessageEntity)
    private readonly repository: Repository<MessageEntity>,
  ) {}

  /**
   * Stores a message once per (sender, client id): a resend gets the stored original back. The
   * unique index decides, so two resends racing on different connections still store one row.
   */
  async append(message: Omit<MessageEntity, 'id'>): Promise<Appended> {
    const existing = await this.stored(message.sender, message.clientId);
    if (existing) return { row: existing, duplicate: true };
    try {
      const result = await this.repository.insert(message);
      const id = Number(result.identifiers[0]['id']);
      return { row: { ...message, id }, duplicate: false };
    } catch (error) {
      const raced = isUniqueViolation(error)
        ? await this.stored(message.sender, message.clientId)
        : null;
      if (!raced) throw error;
      return { row: raced, duplicate: true };
    }
  }

  /** The newest `limit` messages, oldest first. */
  async latest(limit: number): Promise<MessageEntity[]> {
    const rows = await this.repository.find({
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.reverse().map(withNumericId);
  }

  /**
   * The id of the oldest among the newest `count` messages (undefined when there are none): where
   * a catch-up starts, read from there page by page so no reader pins the whole history (L68).
   */
  async firstOfLatest(count: number): Promise<number | undefined> {
    const [row] = await this.repository.find({
      select: { id: true },
      order: { id: 'DESC' },
      skip: count - 1,
      take: 1,
    });
    if (row) return Number(row.id);
    const [oldest] = await this.repository.find({
      select: { id: true },
      order: { id: 'ASC' },
      take: 1,
    });
    return oldest && Number(oldest.id);
  }

  /** Up to `limit` messages after `id`, oldest first: the catch-up reads the log by offset. */
  async after(id: number, limit: number): Promise<MessageEntity[]> {
    const rows = await this.repository.find({
      where: { id: MoreThan(id) },
      order: { id: 'ASC' },
      take: limit,
    });
    return rows.map(withNumericId);
  }

  /** The texts of the stored messages among `ids`. */
  async textsOf(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.repository.find({
      select: { id: true, text: true },
      where: { id: In([...ids]) },
    });
    return new Map(rows.map((row) => [Number(row.id), row.text]));
  }

  async exists(id: number): Promise<boolean> {
    return this.repository.existsBy({ id });
  }

  /** The message `sender` stored under `clientId`, if any. */
  async stored(
    sender: string,
    clientId: string,
  ): Promise<MessageEntity | null> {
    const row = await this.repository.findOneBy({ sender, clientId });
    return row && withNumericId(row);
  }
}

// PostgreSQL returns integer columns of some types as strings
function withNumericId(row: MessageEntity): MessageEntity {
  return { ...row, id: Number(row.id) };
}
