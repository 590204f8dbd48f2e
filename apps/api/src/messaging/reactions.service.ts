import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  Limits,
  type ReactPayload,
  type ReactionPayload,
  ServerEvent,
  isSingleEmoji,
} from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { ClusterService } from '../cluster/cluster.service';
import { DeliveryService } from '../realtime/delivery.service';
import type { Member } from '../sessions/roster';
import { MessagesRepository } from './messages.repository';
import { MessagingException } from './messaging.exception';
import { ReactionsRepository } from './reactions.repository';

/**
 * Emoji reactions on public messages: stored, audited, sent to everyone, and carried by history.
 * A reaction to a private message is an end-to-end private message of its own: the server relays
 * it unread, as messaging does.
 */
@Injectable()
export class ReactionsService implements OnModuleInit {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly delivery: DeliveryService,
    private readonly audit: AuditService,
    private readonly cluster: ClusterService,
  ) {}

  onModuleInit(): void {
    if (!this.cluster.enabled) return;
    this.cluster.on('reaction', (reaction) => this.show(reaction));
  }

  async react(member: Member, { messageId, emoji, on }: ReactPayload) {
    checkEmoji(emoji);
    if (!(await this.messages.exists(messageId)))
      throw new MessagingException(
        ErrorCode.NotFound,
        'That message does not exist.',
        'messageId',
      );
    if (on) {
      const given = await this.reactions.emojiOn(messageId);
      if (!given.includes(emoji) && given.length >= Limits.reactionsPerMessage)
        throw new MessagingException(
          ErrorCode.InvalidPayload,
          `A message takes at most ${Limits.reactionsPerMessage} different reactions.`,
          'emoji',
        );
    }
    await this.reactions.set(
      { messageId, emoji, username: member.username },
      on,
    );
    await this.audit.record('reaction', {
      actor: member.username,
      detail: { id: messageId, emoji, on },
    });
    const reaction = { messageId, emoji, from: member.username, on };
    this.show(reaction);
    this.cluster.publish('reaction', reaction);
  }

  /** To every member of this instance. */
  private show(reaction: ReactionPayload): void {
    this.delivery.toRoom(ServerEvent.ReactionUpdated, reaction);
  }
}

function checkEmoji(emoji: string): void {
  if (!isSingleEmoji(emoji))
    throw new MessagingException(
      ErrorCode.InvalidPayload,
      'A reaction is one emoji.',
      'emoji',
    );
}
