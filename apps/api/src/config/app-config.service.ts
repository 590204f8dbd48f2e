import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { AppConfigSchema } from './app-config.schema';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string; busyTimeoutMs: number }
  | { type: 'postgres'; url: string };

export interface AppConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** Set when instances share the chat through Redis (REDIS_URL); absent: one process. */
  cluster?: ClusterConfig;
  keysDir: string;
  webRoot: string;
  /** Origins allowed to open a chat connection besides the server's own (same Host). */
  allowedOrigins: string[];
  /** Host names (lower case, no port) requests may name in their Host header (A49). */
  publicHosts: string[];
  /** Reverse proxies whose X-Forwarded-For is believed (proxy-addr syntax, A47). */
  trustedProxies: string[];
  resumeGraceMs: number;
  /** How long a kicked user's name and address may not log in again (A51). */
  kickBanMs: number;
  /** Days a name stays its identity key's after its last use (E60). */
  nameReservationDays: number;
  /** Requests to the public key-log endpoints per client address per minute (L70). */
  keyLogPerMinute: number;
  /** What claiming names costs (A71). */
  names: NameBudgetConfig;
  audit: { checkpointEvery: number; checkpointSeconds: number };
  /** Abuse limits (L30, L31): per socket, per address and overall. */
  limits: ConnectionLimits;
  files: { maxBytes: number; dir: string; ttlMs: number; quota: FileQuota };
  /** What public messages may add to the database (L76). */
  messages: MessageQuota;
  /** From ADMIN_TOKEN; undefined means use (or create) the stored token hash in the keys folder. */
  adminToken?: string;
  /** Standard output goes to the systemd journal (JOURNAL_STREAM set), which keeps it. */
  stdoutJournaled: boolean;
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  logFormat: 'text' | 'json';
}

/** Bounds on new names, so one client cannot grow the key log without end (A71). */
export interface NameBudgetConfig {
  /** Names one identity key holds at once (bound, not released, not expired). */
  perKey: number;
  /** New names claimed from one client address in any 24 hours. */
  perAddressPerDay: number;
}

export interface ClusterConfig {
  redisUrl: string;
  /** Names this chat's Redis stream and channels: several chats can share one Redis. */
  redisPrefix: string;
  /** How often this instance marks itself alive; three missed beats and it counts as gone. */
  heartbeatMs: number;
}

/** Bytes of shared files the server keeps at once, finished or not (F42). */
export interface FileQuota {
  userBytes: number;
  /** All the names of one client address together. */
  addressBytes: number;
  totalBytes: number;
  /** Offers are refused while the disk has less than this free. */
  minFreeBytes: number;
}

/** Bytes of public message text stored per day, and the database's free-disk floor (L76). */
export interface MessageQuota {
  userBytesPerDay: number;
  /** All the names of one client address together. */
  addressBytesPerDay: number;
  /** Public messages are refused while the SQLite database's disk has less than this free. */
  minFreeBytes: number;
}

export interface ConnectionLimits {
  eventsPerSecond: number;
  eventBurst: number;
  chunksPerSecond: number;
  handshakesPerMinute: number;
  addressEventsPerSecond: number;
  maxConnectionsPerAddress: number;
  maxUnauthenticated: number;
  maxUnauthenticatedPerAddress: number;
  loginTimeoutMs: number;
  /** Public-message deliveries (messages × room size) accepted per second (L48). */
  roomDeliveriesPerSecond: number;
  /** The most of it one address may take while others want some, in percent (L74). */
  roomAddressSharePercent: number;
  /** Bytes queued for one connection and not yet taken before it is closed (L68). */
  unsentBytesPerConnection: number;
  /** Logins and resumes refused on one connection before it is closed (L72). */
  loginRefusalsPerConnection: number;
}

/** Injection token wrapper: the one place the rest of the server gets its settings from. */
export class AppConfigService {
  constructor(readonly config: AppConfig) {}
}

function parseDatabase(
  url: string | undefined,
  busyTimeoutMs = 250,
): DatabaseConfig {
  if (url?.startsWith('postgres')) return { type: 'postgres', url };
  return {
    type: 'sqlite',
    path: resolve(url?.slice('sqlite:'.length) ?? 'data/chat.sqlite'),
    busyTimeoutMs,
  };
}

const MB = 1024 * 1024;

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/**
 * Loopback names always; the bind address when it is one address; on a wildcard bind, this
 * machine's name and addresses (what users type to reach it on their network).
 */
function defaultPublicHosts(host: string): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  if (!WILDCARD_HOSTS.has(host)) return [...hosts, host];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .map((entry) => entry?.address)
    .filter((address): address is string => Boolean(address));
  return [...hosts, hostname(), ...addresses];
}

/** Reads and validates the environment; the only reader of `process.env` (passed in). */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const schema = plainToInstance(AppConfigSchema, env, {
    excludeExtraneousValues: false,
  });
  const errors = validateSync(schema, { skipMissingProperties: false });
  if (errors.length > 0) {
    const fields = errors.map(
      (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`,
    );
    throw new Error(`Invalid configuration: ${fields.join('; ')}`);
  }
  const database = parseDatabase(
    schema.DATABASE_URL,
    schema.DB_BUSY_TIMEOUT_MS,
  );
  if (schema.REDIS_URL && database.type !== 'postgres') {
    throw new Error(
      'Invalid configuration: REDIS_URL (several instances) needs DATABASE_URL=postgres://… (the state they share)',
    );
  }
  const port = schema.PORT ?? 8080;
  const host = schema.HOST ?? '127.0.0.1';
  const maxUnauthenticated = schema.MAX_UNAUTHENTICATED ?? 1000;
  return {
    port,
    host,
    database,
    cluster: schema.REDIS_URL
      ? {
          redisUrl: schema.REDIS_URL,
          redisPrefix: schema.REDIS_PREFIX ?? 'fuv-chat',
          heartbeatMs: schema.INSTANCE_HEARTBEAT_MS ?? 2000,
        }
      : undefined,
    keysDir: resolve(schema.KEYS_DIR ?? 'keys'),
    webRoot: resolve(schema.WEB_ROOT ?? 'dist/apps/web/browser'),
    allowedOrigins: list(schema.ALLOWED_ORIGINS),
    publicHosts: [
      ...new Set(
        (schema.PUBLIC_HOSTS
          ? list(schema.PUBLIC_HOSTS)
          : defaultPublicHosts(host)
        ).map((name) => name.toLowerCase().replace(/^\[|\]$/g, '')),
      ),
    ],
    trustedProxies: list(schema.TRUSTED_PROXIES),
    resumeGraceMs: schema.RESUME_GRACE_MS ?? 30_000,
    kickBanMs: (schema.KICK_BAN_SECONDS ?? 600) * 1000,
    nameReservationDays: schema.NAME_RESERVATION_DAYS ?? 30,
    keyLogPerMinute: schema.RATE_KEY_LOG_PER_MINUTE ?? 600,
    names: {
      perKey: schema.NAMES_PER_KEY_MAX ?? 20,
      perAddressPerDay: schema.NAMES_PER_ADDRESS_PER_DAY ?? 500,
    },
    files: {
      maxBytes: (schema.MAX_FILE_MB ?? 20) * MB,
      dir: resolve(schema.FILES_DIR ?? 'data/files'),
      ttlMs: (schema.FILE_TTL_SECONDS ?? 3600) * 1000,
      quota: {
        userBytes: (schema.FILES_USER_QUOTA_MB ?? 100) * MB,
        addressBytes: (schema.FILES_ADDRESS_QUOTA_MB ?? 200) * MB,
        totalBytes: (schema.FILES_TOTAL_QUOTA_MB ?? 2048) * MB,
        minFreeBytes: (schema.FILES_MIN_FREE_MB ?? 512) * MB,
      },
    },
    messages: {
      userBytesPerDay: (schema.MESSAGES_USER_KB_PER_DAY ?? 4096) * 1024,
      addressBytesPerDay: (schema.MESSAGES_ADDRESS_KB_PER_DAY ?? 32_768) * 1024,
      minFreeBytes: (schema.DATABASE_MIN_FREE_MB ?? 256) * MB,
    },
    audit: {
      checkpointEvery: schema.AUDIT_CHECKPOINT_EVERY ?? 100,
      checkpointSeconds: schema.AUDIT_CHECKPOINT_SECONDS ?? 60,
    },
    limits: {
      eventsPerSecond: schema.RATE_EVENTS_PER_SECOND ?? 20,
      eventBurst: schema.RATE_EVENTS_BURST ?? 40,
      chunksPerSecond: schema.RATE_CHUNKS_PER_SECOND ?? 1000,
      handshakesPerMinute: schema.RATE_HANDSHAKES_PER_MINUTE ?? 300,
      addressEventsPerSecond: schema.RATE_ADDRESS_EVENTS_PER_SECOND ?? 500,
      maxConnectionsPerAddress: schema.MAX_CONNECTIONS_PER_ADDRESS ?? 500,
      maxUnauthenticated,
      maxUnauthenticatedPerAddress:
        schema.MAX_UNAUTHENTICATED_PER_ADDRESS ??
        Math.max(1, Math.floor(maxUnauthenticated / 10)),
      loginTimeoutMs: schema.LOGIN_TIMEOUT_MS ?? 60_000,
      roomDeliveriesPerSecond: schema.ROOM_DELIVERIES_PER_SECOND ?? 20_000,
      roomAddressSharePercent: schema.ROOM_ADDRESS_SHARE_PERCENT ?? 20,
      unsentBytesPerConnection:
        (schema.CONNECTION_UNSENT_MAX_KB ?? 4096) * 1024,
      loginRefusalsPerConnection: schema.LOGIN_REFUSALS_PER_CONNECTION ?? 5,
    },
    adminToken: schema.ADMIN_TOKEN,
    stdoutJournaled: Boolean(schema.JOURNAL_STREAM),
    logLevel: schema.LOG_LEVEL ?? 'log',
    logFormat: schema.LOG_FORMAT ?? 'text',
  };
}
