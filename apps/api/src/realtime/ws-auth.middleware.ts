import { createHash } from 'node:crypto';

import type { Socket } from 'socket.io';

import { ErrorCode } from '@app/shared';

import type { CryptoService } from '../crypto/crypto.service';
import type { AuditService } from '../audit/audit.service';
import type { ChatSocketData } from './chat-socket';
import type { ConnectionGuard } from './connection-guard';
import type { RealtimeService } from './realtime.service';

/** Keeps addresses out of the log while still telling connections from one place apart. */
export function hashAddress(address: string): string {
  return createHash('sha256')
    .update(`fuv-chat address\n${address}`)
    .digest('hex')
    .slice(0, 16);
}

/** A refused handshake: the client's `connect_error` carries the code. */
export class HandshakeError extends Error {
  readonly data: { code: ErrorCode };
  constructor(code: ErrorCode = ErrorCode.HandshakeFailed) {
    super(code);
    this.data = { code };
  }
}

/**
 * `io.use` middleware: the key exchange happens before a connection exists, so nothing but a
 * valid, current-suite ECDH offer ever reaches `connection` (A15, C11, C14).
 */
export function createHandshakeMiddleware(
  crypto: CryptoService,
  audit: AuditService,
  realtime: RealtimeService,
  guard: ConnectionGuard,
) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    if (realtime.closing)
      return next(new HandshakeError(ErrorCode.Unavailable));
    const addressHash = hashAddress(socket.handshake.address);
    // limits first: a refused handshake costs no RSA signature (L31)
    const refused = guard.admit(socket.handshake.address);
    if (refused) {
      void audit.record('handshake_refused', {
        detail: { reason: refused, address: addressHash },
      });
      return next(new HandshakeError(refused));
    }
    try {
      const accepted = crypto.acceptOffer(socket.handshake.auth);
      const data = socket.data as ChatSocketData & { ready?: unknown };
      data.channel = accepted.channel;
      data.addressHash = addressHash;
      data.ready = accepted.ready;
      next();
    } catch {
      void audit.record('handshake_failed', {
        detail: { address: addressHash },
      });
      next(new HandshakeError());
    }
  };
}
