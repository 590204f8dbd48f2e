import { Injectable, Logger } from '@nestjs/common';
import {
  Limits,
  type RoomEnvelope,
  type SealedEnvelope,
  type SealedServerEvent,
  type ServerEventMap,
  ServerEvent,
  TEXT_BOX_MAX_BYTES,
  encodePayload,
} from '@app/shared';
import { RoomSealer } from '@app/shared/node';

import { MetricsService } from '../metrics/metrics.service';
import type { ChatServer, ChatSocket } from './chat-socket';

/** The Socket.IO room of this instance's logged-in members: room frames go to it. */
const MEMBERS = 'members';

/**
 * The largest payload the server seals: base64 and the envelope add a third, and the result must
 * stay under what every client opens (L69: a client that must refuse a frame gets it again at
 * every reconnect). Nothing legitimate comes near it (a history page is 48 KB, an entry 64 KB).
 */
const PAYLOAD_MAX_BYTES = Limits.maxServerFrameBytes / 2;

/** The events sent to the room as one frame (room-frame.ts's `ROOM_EVENTS`). */
export type RoomServerEvent =
  | typeof ServerEvent.MessageCreated
  | typeof ServerEvent.Presence
  | typeof ServerEvent.UserTyping
  | typeof ServerEvent.ReactionUpdated
  | typeof ServerEvent.AuditCheckpoint;

/**
 * Sends sealed events: to one member under its own session key, or to the room as one frame
 * under the room key (sealed and encoded once, the same bytes written to every member's socket).
 */
@Injectable()
export class RealtimeService {
  /** Set when the server begins a graceful shutdown: no new sessions, drops are not timed out. */
  closing = false;
  private readonly log = new Logger('Realtime');
  private server?: ChatServer;
  private readonly room = new RoomSealer();
  private readonly retireOnDrop = () => this.room.retire();

  constructor(readonly metrics: MetricsService) {
    metrics.gauge(
      'fuv_connections',
      'Open Socket.IO connections on this instance, logged in or not',
      () => this.server?.engine.clientsCount ?? 0,
    );
    metrics.gauge(
      'fuv_members',
      'Logged-in members connected to this instance',
      () => this.server?.of('/').adapter.rooms.get(MEMBERS)?.size ?? 0,
    );
  }

  bind(server: ChatServer): void {
    this.server = server;
  }

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
    let sent = 0;
    for (const socket of sockets) {
      plaintext ??= encodePayload(event, payload);
      if (this.oversized(event, plaintext)) return;
      const envelope = socket.data.channel.sealEncoded(event, plaintext);
      emitTo(socket, event, toWire(envelope));
      sent += 1;
    }
    if (sent > 0) this.metrics.deliveries.inc({ event }, sent);
  }

  /**
   * A member's socket joins the room: granted the current key before any room frame. A socket
   * that drops also leaves with the key it holds (its member may come back on another
   * instance, or be kicked there), so its departure rotates the key too.
   */
  admit(socket: ChatSocket): void {
    this.send(socket, ServerEvent.RoomKey, this.room.grant());
    void socket.join(MEMBERS);
    // one listener while the socket is a member, however often it logs in and out (L78)
    socket.off('disconnect', this.retireOnDrop);
    socket.once('disconnect', this.retireOnDrop);
  }

  /** A member left (or was kicked): out of the room, and the next frame is under a new key. */
  depart(socket: ChatSocket | undefined): void {
    void socket?.leave(MEMBERS);
    socket?.off('disconnect', this.retireOnDrop);
    this.room.retire();
  }

  /**
   * One frame to every member of this instance but `except` (a typist, a member still catching
   * up). Begins a new epoch first when someone left since the last frame.
   */
  toRoom<E extends RoomServerEvent>(
    event: E,
    payload: ServerEventMap[E],
    except: Iterable<ChatSocket> = [],
  ): void {
    const namespace = this.server?.of('/');
    const members = namespace?.adapter.rooms.get(MEMBERS);
    if (!this.server || !namespace || !members?.size) return;
    if (this.room.rotateIfStale()) {
      const grant = this.room.grant();
      for (const id of members) {
        const socket = namespace.sockets.get(id);
        if (socket) this.send(socket, ServerEvent.RoomKey, grant);
      }
    }
    const plaintext = encodePayload(event, payload);
    if (this.oversized(event, plaintext)) return;
    const envelope = this.room.seal(event, plaintext);
    const skipped = new Set([...except].map((socket) => socket.id));
    let delivered = members.size;
    for (const id of skipped) if (members.has(id)) delivered -= 1;
    this.metrics.deliveries.inc({ event }, delivered);
    // `local`: other instances seal for their own members (a cluster hop carries the payload)
    emitTo(
      this.server.local.to(MEMBERS).except([...skipped]),
      event,
      toWire(envelope),
    );
  }

  /** A frame no client would open is never sent (a bug upstream: said loudly, once per frame). */
  private oversized(event: string, plaintext: Uint8Array): boolean {
    if (plaintext.length <= PAYLOAD_MAX_BYTES) return false;
    this.log.error(
      `not sent: a ${event} of ${plaintext.length} bytes exceeds what clients open (L69)`,
    );
    return true;
  }
}

/** Socket.IO's typed `emit` cannot follow a generic event name: the envelope is the payload. */
function emitTo(
  target: { emit(event: never, ...args: never[]): unknown },
  event: string,
  envelope: unknown,
): void {
  (target.emit as (event: string, ...args: unknown[]) => unknown).call(
    target,
    event,
    envelope,
  );
}

/** A small box travels as base64 text: one WebSocket message instead of two. */
function toWire<T extends SealedEnvelope | RoomEnvelope>(envelope: T) {
  return envelope.box.length > TEXT_BOX_MAX_BYTES
    ? envelope
    : { ...envelope, box: base64(envelope.box) };
}

function base64(box: Uint8Array): string {
  return Buffer.from(box.buffer, box.byteOffset, box.byteLength).toString(
    'base64',
  );
}
