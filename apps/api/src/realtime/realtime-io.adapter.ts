import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';

import type { INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Limits } from '@app/shared';
import type { Server, ServerOptions, Socket } from 'socket.io';

import { KeyCounts } from '../common/key-counts';
import type { ClientAddressService } from '../edge/client-address.service';
import type { HostAllowlist } from '../edge/host-allowlist';
import { HttpLimits } from '../edge/http-limits';

/** Each socket's commands, chained: the last one's completion. */
const queues = new WeakMap<object, Promise<unknown>>();

/** The socket as Nest's adapter types it (its own copy of socket.io's types). */
type NestSocket = Parameters<IoAdapter['bindMessageHandlers']>[0];

export interface RealtimeIoOptions {
  allowedOrigins: readonly string[];
  hosts: HostAllowlist;
  addresses: ClientAddressService;
  /** Engine.io sessions (with or without a Socket.IO connection) per client address (L43). */
  maxSessionsPerAddress: number;
}

/** What the adapter needs of an engine.io connection. */
interface EngineConnection {
  request: IncomingMessage;
  close(): void;
  once(event: 'close', listener: () => void): void;
}

/**
 * Socket.IO server options that are security settings: small frames (L33), the Host allowlist
 * (A49) and an Origin allowlist checked at the handshake of both transports (A16; Cross-Site
 * WebSocket Hijacking), and a cap and a short deadline for transport sessions that never open
 * a Socket.IO connection (L43).
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly sessionsPerAddress = new KeyCounts();

  constructor(
    app: INestApplicationContext,
    private readonly options: RealtimeIoOptions,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    // engine.io answers a refused websocket upgrade with 400; refuse it first, with a proper 403
    (this.httpServer as HttpServer).prependListener(
      'upgrade',
      (req: IncomingMessage, socket: Duplex) => {
        if (this.options.hosts.allows(req) && this.originAllowed(req)) return;
        socket.end(
          'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
      },
    );
    // Nest 12 types this as the full ServerOptions; socket.io's Server takes any part of them
    const ours: Partial<ServerOptions> = {
      ...options,
      maxHttpBufferSize: Limits.maxFrameBytes,
      connectTimeout: HttpLimits.connectTimeoutMs,
      // the web client is same-origin; extra allowed origins also get CORS for polling
      cors:
        this.options.allowedOrigins.length > 0
          ? { origin: [...this.options.allowedOrigins] }
          : undefined,
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null | undefined, ok: boolean) => void,
      ) => {
        if (!this.options.hosts.allows(req)) {
          callback('host not allowed', false);
          return;
        }
        const allowed = this.originAllowed(req);
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    };
    const server = super.createIOServer(port, ours as ServerOptions);
    server.engine.on('connection', (conn: EngineConnection) =>
      this.countSession(conn),
    );
    return server;
  }

  /** Each address holds at most its share of transport sessions; the rest are closed at once. */
  private countSession(conn: EngineConnection): void {
    const address = this.options.addresses.of(conn.request);
    if (
      this.sessionsPerAddress.get(address) >= this.options.maxSessionsPerAddress
    ) {
      conn.close();
      return;
    }
    this.sessionsPerAddress.add(address, 1);
    conn.once('close', () => this.sessionsPerAddress.add(address, -1));
  }

  /**
   * Each socket's commands run one after another, in arrival order, across all gateways: a
   * user's messages are stored and delivered in the order they were sent (sockets still run in
   * parallel). A plain listener per event, where Nest's default keeps an rxjs pipeline per event
   * alive on every idle socket, and no interceptor (whose async-context binding cost
   * tens of microseconds per command). Handlers answer with events, never with return values.
   */
  override bindMessageHandlers(
    socket: NestSocket,
    handlers: MessageMappingProperties[],
  ): void {
    // `on`, not `onAny`: any-listeners run before the middleware has opened the envelope
    for (const { message, callback } of handlers)
      socket.on(message as string, (payload: unknown) => {
        const previous = queues.get(socket) ?? Promise.resolve();
        // a handler's errors are answered by its gateway's exception filter; this keeps order
        const current = previous
          .then(() => callback(payload))
          .catch(() => undefined);
        queues.set(socket, current);
      });
  }

  /** Nest's disconnect hook drops the reason; gateways need it (logout vs. dropped network). */
  override bindClientDisconnect(client: Socket, callback: () => void): void {
    client.on('disconnect', (reason) => {
      (client.data as { disconnectReason?: string }).disconnectReason = reason;
      callback();
    });
  }

  /**
   * Browsers always send Origin on WebSocket and cross-site requests; same-origin polling GETs
   * may omit it, and non-browser clients cannot be stopped by it anyway.
   */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const host = req.headers.host;
    if (host && (origin === `http://${host}` || origin === `https://${host}`))
      return true;
    return this.options.allowedOrigins.includes(origin);
  }
}
