import { randomUUID } from 'node:crypto';

import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  Limits,
  type MessagePayload,
  ServerEvent,
} from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { RealtimeService } from '../realtime/realtime.service';
import { type Member, SessionsService } from '../sessions/sessions.service';
import type { MessageEntity } from './message.entity';
import { MessagingException } from './messaging.exception';
import { MessagesRepository } from './messages.repository';

function toPayload(row: MessageEntity): MessagePayload {
  return {
    id: row.id,
    clientId: row.clientId,
    from: row.sender,
    text: row.text,
    at: row.at,
  };
}

/** Public messages (stored, broadcast) and private ones (delivered to two sockets, never stored). */
@Injectable()
export class MessagingService implements OnModuleInit {
  constructor(
    private readonly repository: MessagesRepository,
    private readonly sessions: SessionsService,
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.sessions.joined$.subscribe((member) => void this.sendHistory(member));
  }

  async sendPublic(
    sender: Member,
    clientId: string,
    text: string,
  ): Promise<void> {
    this.checkText(text);
    const row = await this.repository.append({
      clientId,
      sender: sender.username,
      text,
      at: new Date().toISOString(),
    });
    await this.audit.record('message_public', {
      actor: sender.username,
      detail: { id: row.id, text },
    });
    this.sessions.broadcast(ServerEvent.MessageCreated, toPayload(row));
  }

  async sendPrivate(
    sender: Member,
    clientId: string,
    to: string,
    text: string,
  ): Promise<void> {
    this.checkText(text);
    const recipient = this.sessions.findOnline(to);
    if (!recipient?.socket) {
      throw new MessagingException(
        ErrorCode.RecipientUnavailable,
        `${to.slice(0, 32)} is not online; the message was not sent.`,
        'to',
      );
    }
    if (recipient === sender) {
      throw new MessagingException(
        ErrorCode.InvalidPayload,
        'You cannot send a private message to yourself.',
        'to',
      );
    }
    const message = {
      id: randomUUID(),
      clientId,
      from: sender.username,
      to: recipient.username,
      text,
      at: new Date().toISOString(),
    };
    // metadata only: the text of a private message never reaches the database
    await this.audit.record('message_private', {
      actor: sender.username,
      target: recipient.username,
      detail: { id: message.id, length: Array.from(text).length },
    });
    const sockets = [sender.socket, recipient.socket].filter(
      (s) => s !== undefined,
    );
    this.realtime.sendToEach(
      sockets,
      ServerEvent.PrivateMessageCreated,
      message,
    );
  }

  private async sendHistory(member: Member): Promise<void> {
    const rows = await this.repository.latest(Limits.historySize);
    if (member.socket) {
      this.realtime.send(member.socket, ServerEvent.MessageHistory, {
        messages: rows.map(toPayload),
      });
    }
  }

  private checkText(text: string): void {
    if (text.trim().length === 0) {
      throw new MessagingException(
        ErrorCode.MessageEmpty,
        'The message is empty.',
        'text',
      );
    }
    const length = Array.from(text).length;
    if (length > Limits.messageMaxChars) {
      throw new MessagingException(
        ErrorCode.MessageTooLong,
        `The message is ${length} characters long; the limit is ${Limits.messageMaxChars}.`,
        'text',
      );
    }
  }
}
