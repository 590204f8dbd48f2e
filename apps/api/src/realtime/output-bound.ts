import type { EventEmitter } from 'node:events';

import type { ChatSocket } from './chat-socket';

/** The part of an engine.io connection the bound watches (its documented `packetCreate` and `flush` events). */
interface EngineOutput extends EventEmitter {
  transport?: { socket?: { terminate?(): void } };
  close(discard?: boolean): void;
}

interface EnginePacket {
  data?: string | Buffer | ArrayBuffer;
}

/**
 * Bounds what one connection has queued and its client has not taken yet (L68). Engine.io keeps
 * a connection's packets in its write buffer until the transport can take them: a websocket
 * whose reader stalls, or a long-polling session that stops polling, would otherwise grow it
 * without end (and polling joins it into one string at the next GET, which can throw).
 *
 * Unsent = the packets waiting in the write buffer plus the last batch handed to the transport:
 * engine.io flushes again only once the transport has taken that batch (the websocket's write
 * completed, or the client came back for the polling response). Past `maxBytes` the transport
 * is dropped at once, discarding what is queued; the client reconnects and resumes, and its
 * catch-up is paced by what it takes.
 */
export function boundOutput(
  socket: ChatSocket,
  maxBytes: number,
  onOverflow: (unsentBytes: number) => void,
): void {
  const conn = socket.conn as unknown as EngineOutput;
  let queued = 0;
  let inTransport = 0;
  let closed = false;
  conn.on('packetCreate', (packet: EnginePacket) => {
    if (closed) return;
    queued += sizeOf(packet.data);
    if (queued + inTransport <= maxBytes) return;
    closed = true;
    const unsent = queued + inTransport;
    // not inside engine.io's send (a room broadcast may be looping over its sockets)
    queueMicrotask(() => {
      onOverflow(unsent);
      drop(conn);
    });
  });
  conn.on('flush', () => {
    inTransport = queued;
    queued = 0;
  });
}

/** Closes without waiting for the write buffer to drain (it never would), and frees it now. */
function drop(conn: EngineOutput): void {
  const websocket = conn.transport?.socket;
  conn.close(true);
  websocket?.terminate?.();
}

/** Sealed frames are base64 or JSON text (one byte per character) or binary attachments. */
function sizeOf(data: EnginePacket['data']): number {
  if (data === undefined) return 0;
  return typeof data === 'string' ? data.length : data.byteLength;
}
