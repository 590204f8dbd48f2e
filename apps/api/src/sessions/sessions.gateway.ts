import { UseFilters, UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ClientEvent } from '@app/shared';

import { WsExceptionsFilter } from '../common/filters/ws-exceptions.filter';
import { PerSocketOrderInterceptor } from '../common/interceptors/per-socket-order.interceptor';
import { createValidationPipe } from '../common/validation';
import type { ChatSocket } from '../realtime/chat-socket';
import { LoginDto, ResumeDto } from './dto/login.dto';
import { SessionsService } from './sessions.service';

@WebSocketGateway()
@UseFilters(WsExceptionsFilter)
@UseInterceptors(PerSocketOrderInterceptor)
@UsePipes(createValidationPipe())
export class SessionsGateway implements OnGatewayDisconnect {
  constructor(private readonly sessions: SessionsService) {}

  @SubscribeMessage(ClientEvent.SessionLogin)
  async login(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: LoginDto,
  ): Promise<void> {
    await this.sessions.login(socket, dto.username);
  }

  @SubscribeMessage(ClientEvent.SessionResume)
  async resume(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: ResumeDto,
  ): Promise<void> {
    await this.sessions.resume(socket, dto.token);
  }

  @SubscribeMessage(ClientEvent.SessionLogout)
  // logout carries no fields; whatever else came in the envelope is ignored
  async logout(@ConnectedSocket() socket: ChatSocket): Promise<void> {
    await this.sessions.logout(socket);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    await this.sessions.disconnected(
      socket,
      socket.data.disconnectReason ?? 'unknown',
    );
  }
}
