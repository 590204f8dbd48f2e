import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  SubscribeMessage,
} from '@nestjs/websockets';
import { ClientEvent } from '@app/shared';

import { ChatGateway } from '../realtime/chat-gateway.decorator';
import type { ChatSocket } from '../realtime/chat-socket';
import { LoginDto, ResumeDto, UsersPageDto } from './dto/login.dto';
import { LoginRefusals } from './login-refusals';
import { PresenceService } from './presence.service';
import { Roster } from './roster';
import { SessionsService } from './sessions.service';

@ChatGateway()
export class SessionsGateway implements OnGatewayDisconnect {
  constructor(
    private readonly sessions: SessionsService,
    private readonly presence: PresenceService,
    private readonly roster: Roster,
    private readonly refusals: LoginRefusals,
  ) {}

  @SubscribeMessage(ClientEvent.SessionLogin)
  async login(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: LoginDto,
  ): Promise<void> {
    await this.refusals.counted(
      socket,
      ClientEvent.SessionLogin,
      this.sessions.login(
        socket,
        dto.username,
        dto.identity,
        dto.lastMessageId,
      ),
    );
  }

  @SubscribeMessage(ClientEvent.SessionResume)
  async resume(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: ResumeDto,
  ): Promise<void> {
    await this.refusals.counted(
      socket,
      ClientEvent.SessionResume,
      this.sessions.resume(socket, dto.token, dto.lastMessageId),
    );
  }

  @SubscribeMessage(ClientEvent.SessionLogout)
  // logout carries no fields; whatever else came in the envelope is ignored
  async logout(@ConnectedSocket() socket: ChatSocket): Promise<void> {
    await this.sessions.logout(socket);
  }

  @SubscribeMessage(ClientEvent.UsersPage)
  page(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: UsersPageDto,
  ): void {
    this.presence.page(this.roster.require(socket), dto);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    await this.sessions.disconnected(
      socket,
      socket.data.disconnectReason ?? 'unknown',
    );
  }
}
