import { Logger, type OnModuleInit } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ServerEvent, type SessionReadyPayload } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { rejectRequest } from '../common/filters/ws-exceptions.filter';
import { CryptoService } from '../crypto/crypto.service';
import type { ChatServer, ChatSocket } from './chat-socket';
import { attachEnvelopeOpener } from './envelope.middleware';
import { RealtimeService } from './realtime.service';
import { createHandshakeMiddleware } from './ws-auth.middleware';

/** Connection plumbing: the key exchange in `io.use`, then the signed answer and the envelope opener. */
@WebSocketGateway()
export class RealtimeGateway
  implements OnGatewayInit, OnGatewayConnection, OnModuleInit
{
  private readonly log = new Logger('Realtime');

  constructor(
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeService,
  ) {}

  onModuleInit(): void {
    this.log.log(
      `Server key fingerprint (SHA-256): ${this.crypto.fingerprint}`,
    );
  }

  afterInit(server: ChatServer): void {
    server.use(createHandshakeMiddleware(this.crypto, this.audit));
  }

  handleConnection(socket: ChatSocket): void {
    attachEnvelopeOpener(socket, (s, problem) =>
      rejectRequest(this.realtime, this.audit, s, problem),
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
