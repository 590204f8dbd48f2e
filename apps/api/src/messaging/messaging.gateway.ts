import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
} from '@nestjs/websockets';
import { ClientEvent, ErrorCode } from '@app/shared';

import { ChatGateway } from '../common/decorators/chat-gateway.decorator';
import type { ChatSocket } from '../realtime/chat-socket';
import { type Member, SessionsService } from '../sessions/sessions.service';
import { SendMessageDto, SendPrivateMessageDto } from './dto/send-message.dto';
import { MessagingException } from './messaging.exception';
import { MessagingService } from './messaging.service';

@ChatGateway()
export class MessagingGateway {
  constructor(
    private readonly messaging: MessagingService,
    private readonly sessions: SessionsService,
  ) {}

  @SubscribeMessage(ClientEvent.MessageSend)
  async send(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: SendMessageDto,
  ): Promise<void> {
    await this.messaging.sendPublic(
      this.sender(socket),
      dto.clientId,
      dto.text,
    );
  }

  @SubscribeMessage(ClientEvent.PrivateMessageSend)
  async sendPrivate(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: SendPrivateMessageDto,
  ): Promise<void> {
    await this.messaging.sendPrivate(
      this.sender(socket),
      dto.clientId,
      dto.to,
      dto.text,
    );
  }

  /**
   * The sender comes from the session only, never from the payload (A18). Checked here rather
   * than in a guard: guards run on arrival, this runs in the socket's order, after a login or
   * resume sent just before has completed (A15).
   */
  private sender(socket: ChatSocket): Member {
    const member = this.sessions.memberOf(socket);
    if (!member)
      throw new MessagingException(
        ErrorCode.NotLoggedIn,
        'Please log in first.',
      );
    return member;
  }
}
