import { DataSource, type DataSourceOptions } from 'typeorm';

import { AuditCheckpointEntity } from '../audit/audit-checkpoint.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import type { DatabaseConfig } from '../config/app-config.service';
import { MessageEntity } from '../messaging/message.entity';
import { ReactionEntity } from '../messaging/reaction.entity';
import { SessionEntity } from '../sessions/session.entity';
import { CreateCoreTables1764100000000 } from './migrations/1764100000000-create-core-tables';
import { AddAuditChain1764200000000 } from './migrations/1764200000000-add-audit-chain';
import { IdempotentMessages1764300000000 } from './migrations/1764300000000-idempotent-messages';
import { PreviousResumeToken1764400000000 } from './migrations/1764400000000-previous-resume-token';
import { ClusterInstances1764500000000 } from './migrations/1764500000000-cluster-instances';
import { ResumeTokenExpiry1764600000000 } from './migrations/1764600000000-resume-token-expiry';
import { Reactions1764700000000 } from './migrations/1764700000000-reactions';
import { InstanceEntity } from '../cluster/instance.entity';
import { KeyLogHeadEntity } from '../transparency/key-log-head.entity';
import { KeyLogLeafEntity } from '../transparency/key-log-leaf.entity';
import { KeyLog1764800000000 } from './migrations/1764800000000-key-log';
import { NameBindings1764900000000 } from './migrations/1764900000000-name-bindings';
import { NameClaimBudget1765000000000 } from './migrations/1765000000000-name-claim-budget';
import { NameBindingEntity } from '../identity/name-binding.entity';

export const ENTITIES = [
  AuditEventEntity,
  AuditCheckpointEntity,
  MessageEntity,
  ReactionEntity,
  SessionEntity,
  InstanceEntity,
  KeyLogLeafEntity,
  KeyLogHeadEntity,
  NameBindingEntity,
];
export const MIGRATIONS = [
  CreateCoreTables1764100000000,
  AddAuditChain1764200000000,
  IdempotentMessages1764300000000,
  PreviousResumeToken1764400000000,
  ClusterInstances1764500000000,
  ResumeTokenExpiry1764600000000,
  Reactions1764700000000,
  KeyLog1764800000000,
  NameBindings1764900000000,
  NameClaimBudget1765000000000,
];

/** TypeORM options for the configured database; the schema comes only from migrations. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    // TypeORM would print failed queries with their parameters; errors reach our filters instead
    logging: false,
  };
  if (database.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      // a database that does not answer a connection within 5 s is away: the write fails as
      // "temporarily unavailable" (R39) instead of waiting on the pool for ever
      connectTimeoutMS: 5_000,
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    enableWAL: true,
    // better-sqlite3 waits for a lock synchronously, freezing every user: wait briefly, then
    // fail the write as "temporarily unavailable" and let the client and the audit queue retry (R39)
    timeout: database.busyTimeoutMs,
  };
}

/** Any constant: the PostgreSQL advisory lock that lets one instance at a time migrate. */
const MIGRATION_LOCK = 7_400_517;

/**
 * Opens the database for the server and runs pending migrations. On PostgreSQL several
 * instances may start at once (a cluster restarted on a new version): the migrations run under
 * an advisory lock, so the first runs them and the others find them done.
 */
export async function openDataSource(
  options: DataSourceOptions,
): Promise<DataSource> {
  const dataSource = await new DataSource({
    ...options,
    migrationsRun: false,
  }).initialize();
  if (options.type !== 'postgres') {
    await dataSource.runMigrations();
    return dataSource;
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations();
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
      .catch(() => undefined);
    await lock.release();
  }
  return dataSource;
}
