import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  SubscribeMessage,
} from '@nestjs/websockets';
import { ClientEvent } from '@app/shared';

import { ChatGateway } from '../realtime/chat-gateway.decorator';
import type { ChatSocket } from '../realtime/chat-socket';
import { LoginDto, ResumeDto } from './dto/login.dto';
import { SessionsService } from './sessions.service';

@ChatGateway()
export class SessionsGateway implements OnGatewayDisconnect {
  constructor(private readonly sessions: SessionsService) {}

  @SubscribeMessage(ClientEvent.SessionLogin)
  async login(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: LoginDto,
  ): Promise<void> {
    await this.sessions.login(
      socket,
      dto.username,
      dto.identity,
      dto.lastMessageId,
    );
  }

  @SubscribeMessage(ClientEvent.SessionResume)
  async resume(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: ResumeDto,
  ): Promise<void> {
    await this.sessions.resume(socket, dto.token, dto.lastMessageId);
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
