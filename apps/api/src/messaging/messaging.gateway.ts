import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
} from '@nestjs/websockets';
import { ClientEvent } from '@app/shared';

import { ChatGateway } from '../realtime/chat-gateway.decorator';
import type { ChatSocket } from '../realtime/chat-socket';
import { Roster } from '../sessions/roster';
import { SendMessageDto, SendPrivateMessageDto } from './dto/send-message.dto';
import { ReactDto } from './dto/react.dto';
import { TypingDto } from './dto/typing.dto';
import { MetricsService } from '../metrics/metrics.service';
import { MessagingService } from './messaging.service';
import { ReactionsService } from './reactions.service';
import { TypingService } from './typing.service';

// the sender always comes from the session, never from the payload (A18)
@ChatGateway()
export class MessagingGateway {
  constructor(
    private readonly messaging: MessagingService,
    private readonly roster: Roster,
    private readonly typingNotices: TypingService,
    private readonly reactions: ReactionsService,
    private readonly metrics: MetricsService,
  ) {}

  @SubscribeMessage(ClientEvent.ReactionSend)
  async react(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: ReactDto,
  ): Promise<void> {
    await this.reactions.react(this.roster.require(socket), dto);
  }

  @SubscribeMessage(ClientEvent.MessageSend)
  async send(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: SendMessageDto,
  ): Promise<void> {
    const sender = this.roster.require(socket);
    await this.messaging.sendPublic(sender, dto.clientId, dto.text);
    this.metrics.messages.inc({ kind: 'public' });
    this.typingNotices.sent(sender);
  }

  @SubscribeMessage(ClientEvent.PrivateMessageSend)
  async sendPrivate(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: SendPrivateMessageDto,
  ): Promise<void> {
    const sender = this.roster.require(socket);
    await this.messaging.sendPrivate(sender, dto.clientId, dto.to, {
      text: dto.text,
      e2ee: dto.e2ee,
    });
    this.metrics.messages.inc({ kind: 'private' });
    this.typingNotices.sent(sender, dto.to);
  }

  @SubscribeMessage(ClientEvent.Typing)
  typing(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: TypingDto,
  ): void {
    this.typingNotices.typing(this.roster.require(socket), dto.to);
  }
}
