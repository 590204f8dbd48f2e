import type { AppConfig } from '../../config/app-config.service';

/** Where the database is, said without credentials (a PostgreSQL URL may carry a password). */
function whereData(config: AppConfig): string {
  if (config.database.type === 'sqlite')
    return `${config.database.path} (SQLite)`;
  const url = new URL(config.database.url);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * What an operator needs once the server listens, in a few lines: where to open it, the admin
 * page, the fingerprint to publish (users compare it with what their browser shows), and where
 * the data and keys live (what to back up).
 */
export function startupSummary(
  config: AppConfig,
  fingerprint: string,
): string[] {
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  return [
    `FUV Secure Chat listening on ${url}`,
    `Admin page: ${url}/admin (sign in with ADMIN_TOKEN, or the token generated at the first start)`,
    `Publish this server key fingerprint (SHA-256) where your users can compare it: ${fingerprint}`,
    `Data: ${whereData(config)}; files ${config.files.dir}; keys ${config.keysDir} (back up the keys: every browser pinned this server key)`,
  ];
}
