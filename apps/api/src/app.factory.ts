import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ErrorCode } from '@app/shared';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';

import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config.service';
import { HttpExceptionsFilter } from './common/filters/http-exceptions.filter';
import { createAppLogger } from './common/logging/app-logger';
import { createValidationPipe } from './common/validation';
import {
  ClientAddressService,
  trustedProxies,
} from './edge/client-address.service';
import { HardenedHttpAdapter } from './edge/hardened-http.adapter';
import { HostAllowlist } from './edge/host-allowlist';
import { HttpLimits } from './edge/http-limits';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter';

/** The database holds the room's history and audit log: readable by the server's user only. */
function prepareSqliteFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // SQLite gives its -wal and -shm files the mode of the database file
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/**
 * Security headers on every response. The CSP allows scripts from our origin only (no inline
 * script, no eval); inline styles stay allowed because Angular and Material inject component
 * styles at run time. `connect-src 'self'` covers the same-origin WebSocket.
 */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // the app is served over plain HTTP on loopback by default; HSTS belongs to the TLS proxy
    strictTransportSecurity: false,
  });
}

/** Builds the whole server (REST under /api, Socket.IO, the web client) without listening. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  if (config.database.type === 'sqlite')
    prepareSqliteFile(config.database.path);
  const isProxy = trustedProxies(config.trustedProxies);
  const http = new HardenedHttpAdapter(
    config.limits.maxConnectionsPerAddress,
    (address) => isProxy(address, 0),
  );
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    http,
    {
      logger: createAppLogger(config),
      bodyParser: false,
    },
  );
  const hosts = new HostAllowlist(config.publicHosts);
  // before anything else: a request for a name we are not published under gets nothing (A49)
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (hosts.allows(request)) return next();
    response.status(421).json({
      code: ErrorCode.HostForbidden,
      message: 'This server does not answer to that host name.',
    });
  });
  app.useBodyParser('json', { limit: HttpLimits.maxBodyBytes });
  app.useBodyParser('urlencoded', {
    limit: HttpLimits.maxBodyBytes,
    extended: false,
  });
  app.use(securityHeaders());
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionsFilter());
  app.useWebSocketAdapter(
    new RealtimeIoAdapter(app, {
      allowedOrigins: config.allowedOrigins,
      hosts,
      addresses: app.get(ClientAddressService),
      maxSessionsPerAddress: config.limits.maxConnectionsPerAddress,
    }),
  );
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('FUV Secure Chat admin API')
    .setDescription(
      'Audit log, chain verification and users. Bearer: the admin token.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  // Swagger UI's assets come from the swagger-ui-dist package: served by us, no CDN
  SwaggerModule.setup('api/docs', app, () =>
    SwaggerModule.createDocument(app, openApi),
  );
  return app;
}
