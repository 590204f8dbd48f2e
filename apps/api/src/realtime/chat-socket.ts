import type { ClientToServerEvents, ServerToClientEvents } from '@app/shared';
import type { Server, Socket } from 'socket.io';

import type { NodeChannel } from '@app/shared/node';

/** What the server keeps on each socket. Keys stay here, on the instance that holds the socket. */
export interface ChatSocketData {
  channel: NodeChannel;
  /** SHA-256 of this connection's handshake transcript: a login's identity proof signs it. */
  transcriptHash: Buffer;
  /** Set once the user has logged in or resumed. */
  sessionId?: string;
  username?: string;
  /** The client's address (behind a trusted proxy: the one it forwarded for); never logged. */
  address: string;
  /** Keyed hash of the client's address, for the audit log without storing the address itself. */
  addressHash: string;
  /** Socket.IO's reason, recorded by the adapter just before disconnect hooks run. */
  disconnectReason?: string;
}

export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  ServerToClientEvents,
  ChatSocketData
>;
export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  ServerToClientEvents,
  ChatSocketData
>;
