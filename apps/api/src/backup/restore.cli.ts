import 'reflect-metadata';

import { loadConfig } from '../config/app-config.service';
import { BackupError, restoreBackup, runCli } from './backup-archive';

/** `npm run restore -- FILE`: into an empty data and keys folder (never over existing ones). */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new BackupError('Usage: npm run restore -- FILE');
  const config = loadConfig(process.env);
  const manifest = await restoreBackup(config, file);
  console.log(
    `Restored ${manifest.files.length} files from the backup of ${manifest.createdAt}. Start the server; npm run audit:verify and npm run kt:verify check what was restored.`,
  );
}

runCli('Restore', main);
