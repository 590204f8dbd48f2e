import {
  type Server,
  type Socket,
  createConnection,
  createServer,
} from 'node:net';

/** A loopback TCP relay whose connections can be cut, like a network that drops. */
export interface TcpProxy {
  url: string;
  /** Destroys every open connection; new ones still go through. */
  cut(): void;
  /** Down: cuts every connection and refuses new ones (a service gone away); up: relays again. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        cut: () => {
          for (const socket of open) socket.destroy();
        },
        setDown: (value) => {
          down = value;
          if (down) for (const socket of open) socket.destroy();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
