import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { MessageEntity } from './message.entity';

@Injectable()
export class MessagesRepository {
  constructor(
    @InjectRepository(MessageEntity)
    private readonly repository: Repository<MessageEntity>,
  ) {}

  async append(message: Omit<MessageEntity, 'id'>): Promise<MessageEntity> {
    const result = await this.repository.insert(message);
    return { ...message, id: Number(result.identifiers[0]['id']) };
  }

  /** The newest `limit` messages, oldest first. */
  async latest(limit: number): Promise<MessageEntity[]> {
    const rows = await this.repository.find({
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.reverse();
  }
}
