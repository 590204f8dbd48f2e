import { Injectable } from '@nestjs/common';
import {
  type SealedServerEvent,
  type ServerEventMap,
  TEXT_BOX_MAX_BYTES,
  encodePayload,
} from '@app/shared';

import type { ChatSocket } from './chat-socket';

/** Sends sealed events: each socket gets the payload under its own session key. */
@Injectable()
export class RealtimeService {
  /** Set when the server begins a graceful shutdown: no new sessions, drops are not timed out. */
  closing = false;

  send<E extends SealedServerEvent>(
    socket: ChatSocket,
    event: E,
    payload: ServerEventMap[E],
  ): void {
    this.sendToEach([socket], event, payload);
  }

  /** The payload is encoded once; each socket gets its own seal (its key, its sequence number). */
  sendToEach<E extends SealedServerEvent>(
    sockets: Iterable<ChatSocket>,
    event: E,
    payload: ServerEventMap[E],
  ): void {
    let plaintext: Uint8Array | undefined;
    for (const socket of sockets) {
      plaintext ??= encodePayload(event, payload);
      const envelope = socket.data.channel.sealEncoded(event, plaintext);
      (socket.emit as (event: string, ...args: unknown[]) => boolean)(
        event,
        envelope.box.length > TEXT_BOX_MAX_BYTES
          ? envelope
          : {
              ...envelope,
              box: Buffer.from(
                envelope.box.buffer,
                envelope.box.byteOffset,
                envelope.box.byteLength,
              ).toString('base64'),
            },
      );
    }
  }
}
