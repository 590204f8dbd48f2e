import { ConsoleLogger, type LogLevel } from '@nestjs/common';

import type { AppConfig } from '../../config/app-config.service';

/**
 * Nest's own start-up narration (every module, route and subscribed message: 50-odd lines that
 * buried the admin token and the fingerprint). An operator needs it only when debugging wiring.
 */
const WIRING = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];

/** Nest's console logger with its wiring lines moved to `debug`. */
export class AppLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1) ?? this.context;
    if (typeof context === 'string' && WIRING.has(context))
      super.debug(message, ...rest);
    else super.log(message, ...rest);
  }
}

/** The server's logger: the configured level, lines for people or one JSON object per line. */
export function createAppLogger(
  config: Pick<AppConfig, 'logLevel' | 'logFormat'>,
): AppLogger {
  return new AppLogger({
    logLevels: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
    json: config.logFormat === 'json',
    // colours are for a terminal, never for a collector
    colors: config.logFormat !== 'json' && Boolean(process.stdout.isTTY),
  });
}
