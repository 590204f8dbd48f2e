import { ChatClient, type ConnectOptions } from '@app/testing';
import { type TestServer, startServer, waitUntilEmpty } from './test-server';

/** A suite's room: one server for the suite, clients closed and names released after each test. */
export interface ChatRoom {
  readonly server: TestServer;
  /** Connects and logs in. */
  login(username: string, options?: ConnectOptions): Promise<ChatClient>;
  /** Connects (handshake done) without logging in. */
  connect(options?: ConnectOptions): Promise<ChatClient>;
  /** The clients of the current test. */
  clients(): readonly ChatClient[];
}

/** `env` adds to the test server's environment (short TTLs and the like). */
export function useChatRoom(env: NodeJS.ProcessEnv = {}): ChatRoom {
  let server: TestServer | undefined;
  const clients: ChatClient[] = [];
  const track = (client: ChatClient) => (clients.push(client), client);

  beforeAll(async () => {
    server = await startServer(env);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    if (server) await waitUntilEmpty(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  const room: ChatRoom = {
    get server() {
      if (!server) throw new Error('the room is only open inside tests');
      return server;
    },
    login: async (username, options) =>
      track(await ChatClient.login(room.server.url, username, options)),
    connect: async (options) =>
      track(await ChatClient.connect(room.server.url, options)),
    clients: () => clients,
  };
  return room;
}
