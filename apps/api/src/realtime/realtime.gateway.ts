import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ErrorCode, ServerEvent, type SessionReadyPayload } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { ClusterService } from '../cluster/cluster.service';
import { DomainException } from '../common/domain.exception';
import { exceptionPayload, rejectRequest } from './ws-exceptions.filter';
import { CryptoService } from '../crypto/crypto.service';
import { AppConfigService } from '../config/app-config.service';
import { ClientAddressService } from '../edge/client-address.service';
import type { ChatServer, ChatSocket } from './chat-socket';
import { attachEnvelopeOpener } from './envelope.middleware';
import { ConnectionGuard } from './connection-guard';
import { boundOutput } from './output-bound';
import { RealtimeService } from './realtime.service';
import { createHandshakeMiddleware } from './ws-auth.middleware';

/** How long a shutdown waits for the disconnects it caused to be handled. */
const DISCONNECT_WAIT_MS = 2000;

/** Connection plumbing: the key exchange in `io.use`, then the signed answer and the envelope opener. */
@WebSocketGateway()
export class RealtimeGateway
  implements
    OnGatewayInit,
    OnGatewayConnection,
    OnGatewayDisconnect,
    OnModuleDestroy
{
  private readonly log = new Logger('Realtime');
  private server?: ChatServer;

  constructor(
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeService,
    private readonly guard: ConnectionGuard,
    private readonly cluster: ClusterService,
    private readonly addresses: ClientAddressService,
    private readonly config: AppConfigService,
  ) {}

  afterInit(server: ChatServer): void {
    this.server = server;
    this.realtime.bind(server);
    this.cluster.bind(server);
    server.use(
      createHandshakeMiddleware(
        this.crypto,
        this.audit,
        this.realtime,
        this.guard,
        this.addresses,
      ),
    );
  }

  handleDisconnect(socket: ChatSocket): void {
    this.guard.closed(socket);
  }

  /**
   * No login within the timeout, or its place in the pool given to a newcomer: an idle
   * unauthenticated socket only holds resources (L31, L75).
   */
  private closeIdle(socket: ChatSocket, notice: string): void {
    rejectRequest(
      this.realtime,
      this.audit,
      socket,
      exceptionPayload(new DomainException(ErrorCode.NotLoggedIn, notice)),
    );
    socket.disconnect(true);
  }

  /**
   * Graceful shutdown, first of all hooks (the database is still open): refuse new sessions,
   * tell every client, drop the transports (clients reconnect by themselves, to this server
   * once it is back or to another instance), and commit what their departure logged. Names
   * stay claimed: the next start holds them for a grace period so clients resume them.
   */
  async onModuleDestroy(): Promise<void> {
    this.realtime.closing = true;
    const sockets = [...(this.server?.of('/').sockets.values() ?? [])];
    const notice = exceptionPayload(
      new DomainException(
        ErrorCode.Unavailable,
        'The server is restarting; you will be reconnected.',
      ),
    );
    for (const socket of sockets) {
      this.realtime.send(socket, ServerEvent.Exception, notice);
      socket.conn.close();
    }
    const deadline = Date.now() + DISCONNECT_WAIT_MS;
    while ((this.server?.of('/').sockets.size ?? 0) > 0) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.audit.drain();
  }

  handleConnection(socket: ChatSocket): void {
    this.guard.opened(socket, (notice) => this.closeIdle(socket, notice));
    boundOutput(
      socket,
      this.config.config.limits.unsentBytesPerConnection,
      (unsent) =>
        this.log.warn(
          `closed a connection that left ${Math.round(unsent / 1024)} KB unread (L68)`,
        ),
    );
    attachEnvelopeOpener(
      socket,
      (s, problem) => rejectRequest(this.realtime, this.audit, s, problem),
      (s, event) => this.guard.check(s, event),
      (s) => this.guard.undecryptable(s),
      () => this.audit.overloaded,
    );
    const data = socket.data as ChatSocket['data'] & {
      ready?: SessionReadyPayload;
    };
    const ready = data.ready;
    delete data.ready;
    void this.audit.record('handshake_succeeded', {
      detail: { address: data.addressHash, socket: socket.id },
    });
    if (ready) socket.emit(ServerEvent.SessionReady, ready);
  }
}
