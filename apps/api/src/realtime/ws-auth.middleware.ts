import { createHash } from 'node:crypto';

import type { Socket } from 'socket.io';

import { ErrorCode } from '@app/shared';

import type {
  AcceptedHandshake,
  CryptoService,
} from '../crypto/crypto.service';
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
  const handshake = async (socket: Socket): Promise<Error | undefined> => {
    if (realtime.closing) return new HandshakeError(ErrorCode.Unavailable);
    const address = socket.handshake.address;
    const addressHash = hashAddress(address);
    // limits first: a refused handshake costs no RSA signature (L31)
    const refused = guard.admit(address);
    if (refused) {
      void audit.record('handshake_refused', {
        detail: { reason: refused, address: addressHash },
      });
      return new HandshakeError(refused);
    }
    let accepted: AcceptedHandshake;
    try {
      accepted = await crypto.acceptOffer(socket.handshake.auth);
    } catch {
      guard.abandoned(address);
      void audit.record('handshake_failed', {
        detail: { address: addressHash },
      });
      return new HandshakeError();
    }
    // the client may have gone, or the server begun to stop, while the signature was made
    if (socket.conn.readyState !== 'open' || realtime.closing) {
      guard.abandoned(address);
      return new HandshakeError(ErrorCode.Unavailable);
    }
    const data = socket.data as ChatSocketData & { ready?: unknown };
    data.channel = accepted.channel;
    data.addressHash = addressHash;
    data.ready = accepted.ready;
    return undefined;
  };
  return (socket: Socket, next: (error?: Error) => void): void => {
    void handshake(socket).then(next);
  };
}
