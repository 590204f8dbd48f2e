import 'reflect-metadata';

import { Logger } from '@nestjs/common';

import { createApp } from './app.factory';
import { loadConfig } from './config/app-config.service';

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('Main').log(
    `FUV Secure Chat listening on http://${config.host}:${config.port}`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(`Startup failed: ${(error as Error).message}`);
  process.exit(1);
});
