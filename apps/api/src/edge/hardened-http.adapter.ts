import { type Server, createServer } from 'node:http';
import type { Socket } from 'node:net';

import { ExpressAdapter } from '@nestjs/platform-express';

import { KeyCounts } from '../common/key-counts';
import { HttpLimits } from './http-limits';

/** A browser's polling and keep-alive connections beside its chat connections. */
const CONNECTION_SLACK = 16;

/**
 * Nest's Express adapter on an HTTP server with our limits (timeouts, header sizes, TCP
 * connections per address), which Node only takes when the server is created. Trusted proxies
 * carry many clients and are not capped here: the chat limits count their clients one by one.
 */
export class HardenedHttpAdapter extends ExpressAdapter {
  private readonly sockets = new Set<Socket>();
  private readonly perAddress = new KeyCounts();

  constructor(
    private readonly maxConnectionsPerAddress: number,
    private readonly isTrustedProxy: (address: string) => boolean,
  ) {
    super();
  }

  override initHttpServer(): void {
    const server: Server = createServer(
      {
        headersTimeout: HttpLimits.headersTimeoutMs,
        requestTimeout: HttpLimits.requestTimeoutMs,
        keepAliveTimeout: HttpLimits.keepAliveTimeoutMs,
        connectionsCheckingInterval: HttpLimits.checkIntervalMs,
        maxHeaderSize: HttpLimits.maxHeaderBytes,
      },
      this.getInstance(),
    );
    server.maxHeadersCount = HttpLimits.maxHeadersCount;
    server.on('connection', (socket) => this.track(socket));
    this.setHttpServer(server);
  }

  /** Shutdown closes every connection (keep-alive, long-polling) instead of waiting for it. */
  override close(): Promise<unknown> | undefined {
    for (const socket of this.sockets) socket.destroy();
    return super.close() as Promise<unknown> | undefined;
  }

  private track(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    if (
      this.perAddress.get(address) >=
        this.maxConnectionsPerAddress + CONNECTION_SLACK &&
      !this.isTrustedProxy(address)
    ) {
      socket.destroy();
      return;
    }
    this.perAddress.add(address, 1);
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.perAddress.add(address, -1);
    });
  }
}
