import { Injectable } from '@nestjs/common';
import type { SealedServerEvent, ServerEventMap } from '@app/shared';

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
    const envelope = socket.data.channel.seal(event, payload);
    (socket.emit as (event: string, ...args: unknown[]) => boolean)(
      event,
      envelope,
    );
  }

  sendToEach<E extends SealedServerEvent>(
    sockets: Iterable<ChatSocket>,
    event: E,
    payload: ServerEventMap[E],
  ): void {
    for (const socket of sockets) this.send(socket, event, payload);
  }
}
