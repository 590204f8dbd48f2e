import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  Limits,
  type PrivateReactPayload,
  type PrivateReactionPayload,
  type ReactPayload,
  type ReactionPayload,
  ServerEvent,
  isSingleEmoji,
} from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { ClusterService } from '../cluster/cluster.service';
import { RealtimeService } from '../realtime/realtime.service';
import { type Member, SessionsService } from '../sessions/sessions.service';
import { MessagesRepository } from './messages.repository';
import { MessagingException } from './messaging.exception';
import { ReactionsRepository } from './reactions.repository';

/**
 * Emoji reactions. On a public message: stored, audited, sent to everyone, and carried by
 * history. On a private one: passed to the two people of the conversation like the message
 * itself, never stored; the audit log keeps who reacted to whom, not the emoji.
 */
@Injectable()
export class ReactionsService implements OnModuleInit {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly sessions: SessionsService,
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
    private readonly cluster: ClusterService,
  ) {}

  onModuleInit(): void {
    if (!this.cluster.enabled) return;
    this.cluster.on('reaction', (reaction) => this.show(reaction));
    this.cluster.on('private-reaction', (reaction) =>
      this.showPrivate(reaction),
    );
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

  async reactPrivate(
    member: Member,
    { privateId, to, emoji, on }: PrivateReactPayload,
  ) {
    checkEmoji(emoji);
    const { here, there, username: recipient } = this.sessions.locate(to) ?? {};
    if (recipient === undefined)
      throw new MessagingException(
        ErrorCode.RecipientUnavailable,
        `${to.slice(0, 32)} is not online; the reaction was not sent.`,
        'to',
      );
    if (here === member)
      throw new MessagingException(
        ErrorCode.InvalidPayload,
        'A private conversation needs someone else.',
        'to',
      );
    await this.audit.record('reaction_private', {
      actor: member.username,
      target: recipient,
      detail: { on },
    });
    const reaction = {
      privateId,
      emoji,
      from: member.username,
      to: recipient,
      on,
    };
    if (member.socket)
      this.realtime.send(
        member.socket,
        ServerEvent.PrivateReactionUpdated,
        reaction,
      );
    if (there) this.cluster.publish('private-reaction', reaction);
    else this.showPrivate(reaction);
  }

  /** To every member of this instance. */
  private show(reaction: ReactionPayload): void {
    this.sessions.flushPresence();
    const sockets = [...this.sessions.connected()].map((m) => m.socket);
    this.realtime.sendToEach(sockets, ServerEvent.ReactionUpdated, reaction);
  }

  /** To its recipient, if connected here. */
  private showPrivate(reaction: PrivateReactionPayload): void {
    const recipient = this.sessions.findOnline(reaction.to);
    if (recipient?.socket)
      this.realtime.send(
        recipient.socket,
        ServerEvent.PrivateReactionUpdated,
        reaction,
      );
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
