import 'reflect-metadata';

import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Logger } from '@nestjs/common';

import { createApp } from './app.factory';
import { startupSummary } from './common/logging/startup-summary';
import { loadConfig } from './config/app-config.service';
import { CryptoService } from './crypto/crypto.service';
import { webClientDigest } from './edge/web-client-digest';

/** A graceful shutdown (final audit checkpoint, database closed) gets this long, then we exit anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const logger = new Logger('Main');
  for (const line of startupSummary(config, app.get(CryptoService).fingerprint))
    logger.log(line);
  if (existsSync(join(config.webRoot, 'index.html')))
    logger.log(
      `Web client digest (npm run build:hashes): ${webClientDigest(config.webRoot).digest}`,
    );
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down`);
      setTimeout(() => {
        logger.error(
          `shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting`,
        );
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    });
  }
}

bootstrap().catch((error: unknown) => {
  console.error(`Startup failed: ${(error as Error).message}`);
  process.exit(1);
});
