import {
  DecryptFailedError,
  ErrorCode,
  Limits,
  type ExceptionPayload,
  isClientEvent,
  readEnvelope,
} from '@app/shared';

import { clientIdOf } from './ws-exceptions.filter';
import { findForbiddenKey } from '../common/validation';
import { DatabaseUnavailableException } from '../common/database-errors';
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
  undecryptable: (socket: ChatSocket) => boolean,
  overloaded: () => boolean,
): void {
  socket.use((packet, next) => {
    const [rawEvent, raw] = packet as unknown[];
    const envelope = readEnvelope(raw, Limits.maxFrameBytes);
    const name =
      typeof rawEvent === 'string' && rawEvent.length <= MAX_EVENT_NAME
        ? rawEvent
        : undefined;
    let payload: Record<string, unknown> | undefined;
    if (name && envelope) {
      try {
        payload = socket.data.channel.open(name, envelope);
      } catch (error) {
        if (!(error instanceof DecryptFailedError)) throw error;
      }
    }
    if (!payload) {
      // a channel out of step never recovers: the client must re-key, so a few of these and the
      // connection is closed; each also costs a command from the budget (L41)
      const close = undecryptable(socket);
      reject(socket, {
        code: ErrorCode.DecryptFailed,
        message: 'The message could not be decrypted.',
        event: name,
      });
      if (close) socket.disconnect(true);
      return;
    }
    const event = name as string;
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
        clientId: clientIdOf(payload),
      });
      if (verdict === 'disconnect') socket.disconnect(true);
      return;
    }
    if (overloaded()) {
      const unavailable = new DatabaseUnavailableException();
      return reject(socket, {
        code: unavailable.code,
        message: unavailable.message,
        event,
        clientId: clientIdOf(payload),
      });
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
