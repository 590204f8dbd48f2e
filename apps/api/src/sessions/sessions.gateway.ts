import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  SubscribeMessage,
} from '@nestjs/websockets';
import { ClientEvent, ErrorCode } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { DomainException } from '../common/domain.exception';
import { AppConfigService } from '../config/app-config.service';
import { ChatGateway } from '../realtime/chat-gateway.decorator';
import type { ChatSocket } from '../realtime/chat-socket';
import { ConnectionGuard } from '../realtime/connection-guard';
import { RealtimeService } from '../realtime/realtime.service';
import { rejectRequest } from '../realtime/ws-exceptions.filter';
import { LoginDto, ResumeDto, UsersPageDto } from './dto/login.dto';
import { PresenceService } from './presence.service';
import { Roster } from './roster';
import { SessionsService } from './sessions.service';

@ChatGateway()
export class SessionsGateway implements OnGatewayDisconnect {
  constructor(
    private readonly sessions: SessionsService,
    private readonly presence: PresenceService,
    private readonly roster: Roster,
    private readonly guard: ConnectionGuard,
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
    private readonly config: AppConfigService,
  ) {}

  @SubscribeMessage(ClientEvent.SessionLogin)
  async login(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: LoginDto,
  ): Promise<void> {
    await this.counted(
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
    await this.counted(
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

  /**
   * A refused login or resume counts against its connection: past its share the connection is
   * closed, so nobody tries names or tokens on it without end (L72). The refusal itself is
   * answered by the exception filter; the closing notice follows it.
   */
  private async counted(
    socket: ChatSocket,
    event: string,
    attempt: Promise<void>,
  ): Promise<void> {
    try {
      await attempt;
    } catch (error) {
      if (
        error instanceof DomainException &&
        error.code !== ErrorCode.Unavailable &&
        this.guard.loginRefused(socket)
      )
        setImmediate(() => {
          rejectRequest(this.realtime, this.audit, socket, {
            code: ErrorCode.RateLimited,
            message: `Too many refused logins on this connection (${this.config.config.limits.loginRefusalsPerConnection}); it is closed. Reconnect to try again.`,
            event,
          });
          socket.disconnect(true);
        });
      throw error;
    }
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    await this.sessions.disconnected(
      socket,
      socket.data.disconnectReason ?? 'unknown',
    );
  }
}
