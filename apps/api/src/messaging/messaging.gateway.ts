import { UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ClientEvent } from '@app/shared';

import { WsExceptionsFilter } from '../common/filters/ws-exceptions.filter';
import { LoggedInGuard } from '../common/guards/logged-in.guard';
import { createValidationPipe } from '../common/validation';
import type { ChatSocket } from '../realtime/chat-socket';
import { SessionsService } from '../sessions/sessions.service';
import { SendMessageDto, SendPrivateMessageDto } from './dto/send-message.dto';
import { MessagingService } from './messaging.service';

@WebSocketGateway()
@UseFilters(WsExceptionsFilter)
@UseGuards(LoggedInGuard)
@UsePipes(createValidationPipe())
export class MessagingGateway {
  constructor(
    private readonly messaging: MessagingService,
    private readonly sessions: SessionsService,
  ) {}

  @SubscribeMessage(ClientEvent.MessageSend)
  async send(@ConnectedSocket() socket: ChatSocket, @MessageBody() dto: SendMessageDto): Promise<void> {
    await this.messaging.sendPublic(this.sender(socket), dto.clientId, dto.text);
  }

  @SubscribeMessage(ClientEvent.PrivateMessageSend)
  async sendPrivate(@ConnectedSocket() socket: ChatSocket, @MessageBody() dto: SendPrivateMessageDto): Promise<void> {
    await this.messaging.sendPrivate(this.sender(socket), dto.clientId, dto.to, dto.text);
  }

  // the sender comes from the session only, never from the payload (A18)
  private sender(socket: ChatSocket) {
    const member = this.sessions.memberOf(socket);
    if (!member) throw new Error('logged-in socket without a member');
    return member;
  }
}
