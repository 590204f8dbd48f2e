import type { Socket } from 'socket.io';

import { ErrorCode } from '@app/shared';

import type {
  AcceptedHandshake,
  CryptoService,
} from '../crypto/crypto.service';
import type { AuditService } from '../audit/audit.service';
import type { ClientAddressService } from '../edge/client-address.service';
import type { ChatSocketData } from './chat-socket';
import type { ConnectionGuard } from './connection-guard';
import type { RealtimeService } from './realtime.service';

/** Refused CONNECTs one transport connection may collect before it is closed. */
const REFUSALS_PER_TRANSPORT = 3;

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
  addresses: ClientAddressService,
) {
  const handshake = async (socket: Socket): Promise<Error | undefined> => {
    // closing, or the audit log so far behind that new work must wait (L41)
    if (realtime.closing || audit.overloaded)
      return new HandshakeError(ErrorCode.Unavailable);
    const address = addresses.of(socket.request);
    const addressHash = addresses.hash(address);
    // limits first: a refused handshake costs no RSA signature (L31)
    const refused = guard.admit(address);
    if (refused) {
      void audit.recordRepeatable(
        'handshake_refused',
        { address: addressHash },
        {
          detail: { reason: refused, address: addressHash },
        },
      );
      return new HandshakeError(refused);
    }
    let accepted: AcceptedHandshake;
    try {
      accepted = await crypto.acceptOffer(socket.handshake.auth);
    } catch {
      guard.abandoned(address);
      void audit.recordRepeatable(
        'handshake_failed',
        { address: addressHash },
        {
          detail: { address: addressHash },
        },
      );
      return new HandshakeError();
    }
    // the client may have gone, or the server begun to stop, while the signature was made
    if (socket.conn.readyState !== 'open' || realtime.closing) {
      guard.abandoned(address);
      return new HandshakeError(ErrorCode.Unavailable);
    }
    const data = socket.data as ChatSocketData & { ready?: unknown };
    data.channel = accepted.channel;
    data.transcriptHash = accepted.transcriptHash;
    data.address = address;
    data.addressHash = addressHash;
    data.ready = accepted.ready;
    return undefined;
  };
  // Socket.IO lets a client send CONNECT again on the same transport after a refusal: each
  // refusal counts against that transport, which is closed after a few (L41)
  const refusals = new WeakMap<object, number>();
  return (socket: Socket, next: (error?: Error) => void): void => {
    void handshake(socket).then((error) => {
      next(error);
      if (!error) return;
      realtime.metrics.handshakeFailures.inc({
        reason: error instanceof HandshakeError ? error.data.code : 'error',
      });
      const count = (refusals.get(socket.conn) ?? 0) + 1;
      refusals.set(socket.conn, count);
      // closed after the refusal is written, so the client still learns why
      if (count >= REFUSALS_PER_TRANSPORT)
        setImmediate(() => socket.conn.close());
    });
  };
}
