import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
} from '@nestjs/websockets';
import { ClientEvent, type FileChunkPayload } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { ChatGateway } from '../realtime/chat-gateway.decorator';
import { InvalidPayloadException } from '../common/domain.exception';
import type { ChatSocket } from '../realtime/chat-socket';
import { RealtimeService } from '../realtime/realtime.service';
import {
  exceptionPayload,
  rejectRequest,
} from '../realtime/ws-exceptions.filter';
import { Roster } from '../sessions/roster';
import {
  FileAnswerDto,
  FileCancelDto,
  FileFetchDto,
  FileOfferDto,
} from './dto/file.dto';
import { FilesService } from './files.service';

const TRANSFER_ID = /^[A-Za-z0-9-]{8,64}$/;

/**
 * Chunks carry raw bytes, which class-validator cannot whitelist: their exact shape is checked
 * here instead (three fields, nothing else).
 */
function checkChunk(payload: unknown): FileChunkPayload {
  const chunk = payload as Partial<FileChunkPayload>;
  const keys = Object.keys(chunk).sort().join(',');
  if (keys !== 'data,index,transferId')
    throw new InvalidPayloadException(
      'a chunk has exactly transferId, index and data',
    );
  if (
    typeof chunk.transferId !== 'string' ||
    !TRANSFER_ID.test(chunk.transferId)
  ) {
    throw new InvalidPayloadException(
      'transferId must be a transfer id',
      'transferId',
    );
  }
  if (!Number.isSafeInteger(chunk.index) || (chunk.index as number) < 0) {
    throw new InvalidPayloadException(
      'index must be a whole number from 0',
      'index',
    );
  }
  if (!(chunk.data instanceof Uint8Array))
    throw new InvalidPayloadException('data must be bytes', 'data');
  return chunk as FileChunkPayload;
}

@ChatGateway()
export class FilesGateway {
  constructor(
    private readonly files: FilesService,
    private readonly roster: Roster,
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
  ) {}

  @SubscribeMessage(ClientEvent.FileOffer)
  async offer(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: FileOfferDto,
  ): Promise<void> {
    await this.files.offer(this.roster.require(socket), dto);
  }

  @SubscribeMessage(ClientEvent.FileChunk)
  async chunk(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: FileChunkPayload,
  ): Promise<void> {
    await this.files.chunk(this.roster.require(socket), checkChunk(payload));
  }

  @SubscribeMessage(ClientEvent.FileAnswer)
  async answer(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: FileAnswerDto,
  ): Promise<void> {
    await this.files.answer(
      this.roster.require(socket),
      dto.transferId,
      dto.accept,
    );
  }

  @SubscribeMessage(ClientEvent.FileFetch)
  fetch(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: FileFetchDto,
  ): void {
    const member = this.roster.require(socket);
    // streamed outside the socket's command queue, so the recipient can cancel meanwhile; its
    // refusals are reported as the gateway's are
    this.files
      .fetch(member, dto.transferId, dto.from)
      .catch((error: unknown) =>
        rejectRequest(
          this.realtime,
          this.audit,
          socket,
          exceptionPayload(error, ClientEvent.FileFetch),
        ),
      );
  }

  @SubscribeMessage(ClientEvent.FileCancel)
  async cancel(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: FileCancelDto,
  ): Promise<void> {
    await this.files.cancel(this.roster.require(socket), dto.transferId);
  }
}
