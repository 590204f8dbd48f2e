import 'reflect-metadata';

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPublicKey, type KeyObject } from 'node:crypto';

import { DataSource } from 'typeorm';

import { type AppConfig, loadConfig } from '../config/app-config.service';
import { PUBLIC_KEY_FILE } from '../crypto/server-keys';
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

export async function readPublicKey(config: AppConfig): Promise<KeyObject> {
  return createPublicKey(
    await readFile(join(config.keysDir, PUBLIC_KEY_FILE), 'utf8'),
  );
}
