import 'reflect-metadata';

import { loadConfig } from '../config/app-config.service';
import { BackupError, createBackup, runCli } from './backup-archive';

/** `npm run backup -- FILE`: the database (SQLite) and the keys folder, while the server runs. */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new BackupError('Usage: npm run backup -- FILE');
  const config = loadConfig(process.env);
  const manifest = await createBackup(config, file);
  console.log(
    `Backed up ${manifest.files.length} files to ${file} (mode 0600)` +
      (manifest.database
        ? '.'
        : '. The database is PostgreSQL: back it up with pg_dump (README).'),
  );
}

runCli('Backup', main);
