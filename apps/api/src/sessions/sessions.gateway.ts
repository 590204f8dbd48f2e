import { UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ClientEvent } from '@app/shared';

import { WsExceptionsFilter } from '../common/filters/ws-exceptions.filter';
import { createValidationPipe } from '../common/validation';
import type { ChatSocket } from '../realtime/chat-socket';
import { LoginDto, LogoutDto, ResumeDto } from './dto/login.dto';
import { SessionsService } from './sessions.service';

@WebSocketGateway()
@UseFilters(WsExceptionsFilter)
@UsePipes(createValidationPipe())
export class SessionsGateway implements OnGatewayDisconnect {
  constructor(private readonly sessions: SessionsService) {}

  @SubscribeMessage(ClientEvent.SessionLogin)
  async login(@ConnectedSocket() socket: ChatSocket, @MessageBody() dto: LoginDto): Promise<void> {
    await this.sessions.login(socket, dto.username);
  }

  @SubscribeMessage(ClientEvent.SessionResume)
  async resume(@ConnectedSocket() socket: ChatSocket, @MessageBody() dto: ResumeDto): Promise<void> {
    await this.sessions.resume(socket, dto.token);
  }

  @SubscribeMessage(ClientEvent.SessionLogout)
  async logout(@ConnectedSocket() socket: ChatSocket, @MessageBody() dto: LogoutDto): Promise<void> {
    void dto; // validated for shape only: logout takes no fields
    await this.sessions.logout(socket);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    await this.sessions.disconnected(socket, socket.data.disconnectReason ?? 'unknown');
  }
}
