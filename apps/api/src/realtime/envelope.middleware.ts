import {
  DecryptFailedError,
  ErrorCode,
  Limits,
  type ExceptionPayload,
  isClientEvent,
  readEnvelope,
} from '@app/shared';

import { findForbiddenKey } from '../common/validation';
import type { ChatSocket } from './chat-socket';
import type { EventVerdict } from './connection-guard';

const MAX_EVENT_NAME = 64;

/**
 * Opens every incoming envelope before any handler sees it, in arrival order, so handlers only
 * ever get plaintext objects and the receive sequence never skips. A frame that fails is
 * dropped and reported to its sender alone.
 */
export function attachEnvelopeOpener(
  socket: ChatSocket,
  reject: (socket: ChatSocket, problem: ExceptionPayload) => void,
  limit: (socket: ChatSocket, event: string) => EventVerdict,
): void {
  socket.use((packet, next) => {
    const [event, raw] = packet as unknown[];
    const envelope = readEnvelope(raw, Limits.maxFrameBytes);
    if (
      typeof event !== 'string' ||
      event.length > MAX_EVENT_NAME ||
      !envelope
    ) {
      return reject(socket, {
        code: ErrorCode.DecryptFailed,
        message: 'The message could not be decrypted.',
      });
    }
    let payload: Record<string, unknown>;
    try {
      payload = socket.data.channel.open(event, envelope);
    } catch (error) {
      if (!(error instanceof DecryptFailedError)) throw error;
      return reject(socket, {
        code: ErrorCode.DecryptFailed,
        message: 'The message could not be decrypted.',
        event,
      });
    }
    // opened first (cheap) so the receive sequence stays in step, then counted (L30)
    const verdict = limit(socket, event);
    if (verdict !== 'ok') {
      reject(socket, {
        code: ErrorCode.RateLimited,
        message:
          verdict === 'refused'
            ? 'Too many requests; slow down.'
            : 'Too many requests; disconnected.',
        event,
        clientId:
          typeof payload['clientId'] === 'string'
            ? payload['clientId'].slice(0, 64)
            : undefined,
      });
      if (verdict === 'disconnect') socket.disconnect(true);
      return;
    }
    if (!isClientEvent(event)) {
      return reject(socket, {
        code: ErrorCode.UnknownEvent,
        message: 'Unknown request.',
        event,
      });
    }
    const forbidden = findForbiddenKey(payload);
    if (forbidden) {
      return reject(socket, {
        code: ErrorCode.InvalidPayload,
        message: `property ${forbidden} is not allowed`,
        field: forbidden,
        event,
      });
    }
    // handlers get exactly one argument: the opened payload (no client-supplied callbacks)
    packet.length = 2;
    packet[1] = payload;
    next();
  });
}
