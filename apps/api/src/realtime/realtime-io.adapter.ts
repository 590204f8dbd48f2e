import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';

import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Limits } from '@app/shared';
import type { Server, ServerOptions, Socket } from 'socket.io';

/**
 * Socket.IO server options that are security settings: small frames (L33) and an Origin
 * allowlist checked at the handshake of both transports (A16; Cross-Site WebSocket Hijacking).
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: readonly string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    // engine.io answers a refused websocket upgrade with 400; refuse it first, with a proper 403
    (this.httpServer as HttpServer).prependListener(
      'upgrade',
      (req: IncomingMessage, socket: Duplex) => {
        if (this.originAllowed(req)) return;
        socket.end(
          'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
      },
    );
    return super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: Limits.maxFrameBytes,
      // the web client is same-origin; extra allowed origins also get CORS for polling
      cors:
        this.allowedOrigins.length > 0
          ? { origin: [...this.allowedOrigins] }
          : undefined,
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null | undefined, ok: boolean) => void,
      ) => {
        const allowed = this.originAllowed(req);
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    }) as Server;
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
    return this.allowedOrigins.includes(origin);
  }
}
