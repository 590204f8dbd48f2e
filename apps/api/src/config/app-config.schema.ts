// class-transformer's @Type reads design-time metadata
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MaxLength,
  MinLength,
} from 'class-validator';

/** The environment the server reads, validated at boot. Everything has a safe default. */
export class AppConfigSchema {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  /** Bind address: loopback unless asked otherwise. */
  @IsOptional()
  @IsString()
  HOST?: string;

  /** `sqlite:<path>` (default `sqlite:data/chat.sqlite`) or `postgres://…`. */
  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/)
  DATABASE_URL?: string;

  /**
   * `redis://…`: several instances share one chat through Redis (the Socket.IO streams adapter).
   * Needs a PostgreSQL DATABASE_URL, the state every instance shares.
   */
  @IsOptional()
  @Matches(/^rediss?:\/\/.+$/)
  REDIS_URL?: string;

  /** Cluster only: names this chat's streams and channels in Redis (default `fuv-chat`). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  REDIS_PREFIX?: string;

  /** Cluster only: how often an instance tells the others it is alive, in ms (default 2000). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  INSTANCE_HEARTBEAT_MS?: number;

  /** SQLite only: how long a write waits for another process's lock before failing (default 250 ms). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DB_BUSY_TIMEOUT_MS?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  KEYS_DIR?: string;

  /** Folder of the built web client; not served when missing. */
  @IsOptional()
  @IsString()
  WEB_ROOT?: string;

  /**
   * Comma-separated host names the server answers to (the Host header); any other is refused
   * (DNS rebinding, A49). Default: loopback names, plus HOST when it is one address.
   */
  @IsOptional()
  @IsString()
  PUBLIC_HOSTS?: string;

  /**
   * Comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is
   * believed (A47); `loopback` and `uniquelocal` name those ranges. Default: none.
   */
  @IsOptional()
  @IsString()
  TRUSTED_PROXIES?: string;

  /** Comma-separated extra origins allowed to open a chat connection (e.g. behind a proxy). */
  @IsOptional()
  @IsString()
  ALLOWED_ORIGINS?: string;

  /** How long a dropped user's name is held for a reconnect, in ms. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  RESUME_GRACE_MS?: number;

  /** After an admin kick, the name and the address may not log in for this many seconds (default 600). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(604_800)
  KICK_BAN_SECONDS?: number;

  /** A name unused this many days is free for another identity key (default 30). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  NAME_RESERVATION_DAYS?: number;

  /**
   * Names one identity key may hold at once (default 20, A71; keys cost nothing to make, so the
   * per-address budget below is the real bound, this one keeps one browser's hoard small): a further new name is refused
   * until one of them is released or unused for the reservation period.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  NAMES_PER_KEY_MAX?: number;

  /**
   * New names (bindings to an identity key) one client address may claim in 24 hours (default
   * 500, as many as it may hold connections, A71): each is a key-log leaf kept for good.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  NAMES_PER_ADDRESS_PER_DAY?: number;

  /** Largest file accepted for sharing, in MB (default 20). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024)
  MAX_FILE_MB?: number;

  /** Where shared files are kept (encrypted) while they are offered. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  FILES_DIR?: string;

  /** Files not completed and fetched within this many seconds are swept (default 3600). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(604_800)
  FILE_TTL_SECONDS?: number;

  /** Bytes of files one user may have waiting on the server, finished or not, in MB (default 100). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  FILES_USER_QUOTA_MB?: number;

  /** The same for every name from one client address together, in MB (default 200). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  FILES_ADDRESS_QUOTA_MB?: number;

  /** All files waiting on this server together, in MB (default 2048). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  FILES_TOTAL_QUOTA_MB?: number;

  /** Offers are refused while the files folder's disk has less than this free, in MB (default 512). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  FILES_MIN_FREE_MB?: number;

  /**
   * Public messages one name may store in 24 hours, in KB of text (default 4096, L76): a day's
   * worth at once, then refilled steadily over the day.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(16)
  @Max(10_000_000)
  MESSAGES_USER_KB_PER_DAY?: number;

  /** …and all the names of one client address together (default 32768, L76). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(16)
  @Max(10_000_000)
  MESSAGES_ADDRESS_KB_PER_DAY?: number;

  /**
   * Public messages are refused while the SQLite database's disk has less than this free, in
   * MB (default 256, L76); PostgreSQL watches its own disk.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  DATABASE_MIN_FREE_MB?: number;

  /** Sign the audit chain head after this many events… */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUDIT_CHECKPOINT_EVERY?: number;

  /** …or after this many seconds, whichever comes first. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUDIT_CHECKPOINT_SECONDS?: number;

  /** Admin API bearer token; when unset one is generated on first start and shown once. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  ADMIN_TOKEN?: string;

  /** Chat commands (messages, logins, file offers…) per socket per second (default 20)… */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_EVENTS_PER_SECOND?: number;

  /** …and how many may come at once (default 40). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_EVENTS_BURST?: number;

  /** File chunks per socket per second (default 1000, about 48 MB/s). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_CHUNKS_PER_SECOND?: number;

  /** New connections per address per minute (default 300). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  RATE_HANDSHAKES_PER_MINUTE?: number;

  /** Chat commands of all connections from one address per second (default 500). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  RATE_ADDRESS_EVENTS_PER_SECOND?: number;

  /**
   * Requests to the public key-log endpoints (heads, proofs, consistency, entries) per client
   * address per minute (default 600, L70); past it, 429 until the minute is over.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  RATE_KEY_LOG_PER_MINUTE?: number;

  /** Open connections per address (default 500; a NAT hides many users behind one). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  MAX_CONNECTIONS_PER_ADDRESS?: number;

  /** Open connections not yet logged in, all addresses together (default 1000). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  MAX_UNAUTHENTICATED?: number;

  /** Open connections not yet logged in from one address (default: a tenth of MAX_UNAUTHENTICATED). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  MAX_UNAUTHENTICATED_PER_ADDRESS?: number;

  /**
   * Public-message deliveries per second for the whole room (default 20000): each public message
   * costs one per member, so ten messages a second in a room of 2,000 use it up (L48).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000000)
  ROOM_DELIVERIES_PER_SECOND?: number;

  /**
   * The most of the room's deliveries one address may take while others want some (default 20;
   * alone it may take all): its senders share its part, so a few connections cannot crowd out
   * everyone else's messages (L74).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  ROOM_ADDRESS_SHARE_PERCENT?: number;

  /**
   * What one connection may have queued and not yet taken, in KB (default 4096): past it the
   * server closes the connection (its client resumes), so a reader that stalls cannot fill the
   * server's memory (L68).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(256)
  @Max(1048576)
  CONNECTION_UNSENT_MAX_KB?: number;

  /**
   * Logins and resumes refused on one connection (a reserved or owned name, a bad token…)
   * before it is closed (default 5, L72).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_REFUSALS_PER_CONNECTION?: number;

  /** A connection that has not logged in within this is closed (default 60 s). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3600000)
  LOGIN_TIMEOUT_MS?: number;

  /** Set by systemd when standard output goes to the journal (a generated token is not printed there). */
  @IsOptional()
  @IsString()
  JOURNAL_STREAM?: string;

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug'])
  LOG_LEVEL?: 'error' | 'warn' | 'log' | 'debug';

  /** `json`: one JSON object per line, for log collectors (default: lines for people). */
  @IsOptional()
  @IsIn(['text', 'json'])
  LOG_FORMAT?: 'text' | 'json';
}
