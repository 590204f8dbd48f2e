import 'reflect-metadata';

import { DataSource } from 'typeorm';

import { type AppConfig, loadConfig } from '../config/app-config.service';
import { type CheckpointKey, loadCheckpointKeys } from '../crypto/server-keys';
import { dataSourceOptions } from '../database/data-source';

/** The configured database, opened directly (no server, no migrations) for the audit CLIs. */
export async function openDatabase(): Promise<{
  config: AppConfig;
  db: DataSource;
}> {
  const config = loadConfig(process.env);
  const db = new DataSource({
    ...dataSourceOptions(config.database),
    migrationsRun: false,
  });
  await db.initialize();
  return { config, db };
}

/** The current and retired server public keys, read from the keys folder. */
export function readCheckpointKeys(
  config: AppConfig,
): Promise<CheckpointKey[]> {
  return loadCheckpointKeys(config.keysDir);
}
