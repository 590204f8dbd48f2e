import 'reflect-metadata';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import { DeliveryService, Roster, createApp, loadConfig } from '@app/api';
import type { SealedServerEvent, ServerEventMap } from '@app/shared';

/**
 * Our own server, run in the test's process so a test can act as whoever controls it (an
 * operator, an intruder): deliver events the honest code never would, under any name. What a
 * browser must then refuse is the browser's own check, not the server's (issue 25).
 */
export interface HostileServer {
  readonly url: string;
  readonly app: INestApplication;
  /** Sends `payload` as `event` to the member logged in as `to`, past every server rule. */
  forge<E extends SealedServerEvent>(
    to: string,
    event: E,
    payload: ServerEventMap[E],
  ): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fuv-chat-hostile-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`,
    KEYS_DIR: join(dir, 'keys'),
    FILES_DIR: join(dir, 'files'),
    WEB_ROOT: resolve(__dirname, '../../../../dist/apps/web/browser'),
    LOG_LEVEL: 'error',
    ADMIN_TOKEN: 'hostile-admin-token-0123456789abcdef',
    FILES_MIN_FREE_MB: '0',
    KICK_BAN_SECONDS: '0',
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    forge(to, event, payload) {
      const member = app.get(Roster).locate(to)?.here;
      if (!member) throw new Error(`${to} is not connected here`);
      app.get(DeliveryService).toMember(member.sessionId, event, payload);
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
