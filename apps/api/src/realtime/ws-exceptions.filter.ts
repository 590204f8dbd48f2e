import { type ArgumentsHost, Catch, Injectable, Logger } from '@nestjs/common';
import { BaseWsExceptionFilter } from '@nestjs/websockets';
import { ErrorCode, type ExceptionPayload, ServerEvent } from '@app/shared';

import { AuditService } from '../audit/audit.service';
import type { ChatSocket } from './chat-socket';
import { RealtimeService } from './realtime.service';
import {
  DatabaseUnavailableException,
  isDatabaseUnavailable,
} from '../common/database-errors';
import { DomainException } from '../common/domain.exception';

/**
 * Turns any error in a gateway into one sealed `exception` event to that client only, with the
 * failed command named, and audits it. Unknown errors are logged with their stack; the client
 * sees only `internal`.
 */
@Catch()
@Injectable()
export class WsExceptionsFilter extends BaseWsExceptionFilter {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<ChatSocket>();
    rejectRequest(
      this.realtime,
      this.audit,
      socket,
      exceptionPayload(exception, ws.getPattern(), clientIdOf(ws.getData())),
    );
  }
}

const log = new Logger('WsExceptions');

/**
 * The one way an error becomes what its client is told: a domain refusal as it is, a database
 * outage as `unavailable` (nothing was committed, so the client retries, R39), anything else
 * logged with its stack and shown only as `internal`.
 */
export function exceptionPayload(
  exception: unknown,
  event?: string,
  clientId?: string,
): ExceptionPayload {
  if (exception instanceof DomainException)
    return {
      code: exception.code,
      message: exception.message,
      event,
      field: exception.field,
      clientId,
    };
  if (isDatabaseUnavailable(exception)) {
    log.warn(`${event}: database unavailable`);
    const unavailable = new DatabaseUnavailableException();
    return {
      code: unavailable.code,
      message: unavailable.message,
      event,
      clientId,
    };
  }
  log.error(`unhandled error in ${event}`, (exception as Error)?.stack);
  return {
    code: ErrorCode.Internal,
    message: 'Something went wrong; please try again.',
    event,
    clientId,
  };
}

/** The client's id of a refused command, so its outbox knows which one to retry or drop. */
export function clientIdOf(payload: unknown): string | undefined {
  const clientId =
    typeof payload === 'object' && payload !== null
      ? (payload as { clientId?: unknown }).clientId
      : undefined;
  return typeof clientId === 'string' ? clientId.slice(0, 64) : undefined;
}

/**
 * One way to refuse a request: sealed `exception` to the sender, plus an audit row (a few per
 * minute per connection and address; repeats beyond are counted, L41).
 */
export function rejectRequest(
  realtime: RealtimeService,
  audit: AuditService,
  socket: ChatSocket,
  payload: ExceptionPayload,
): void {
  if (socket.connected) realtime.send(socket, ServerEvent.Exception, payload);
  realtime.metrics.refusals.inc({ code: payload.code });
  const place = { address: socket.data.addressHash, connection: socket.id };
  void audit.recordRepeatable('request_rejected', place, {
    actor: socket.data.username ?? null,
    detail: {
      event: payload.event,
      code: payload.code,
      field: payload.field,
      address: socket.data.addressHash,
    },
  });
}
