import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

import Database from 'better-sqlite3';
import { extract, pack } from 'tar-stream';

import type { AppConfig } from '../config/app-config.service';

/**
 * A backup is a tar file (`tar tf` lists it) holding `manifest.json` first, then the SQLite
 * database as an online backup (`database/chat.sqlite`, consistent while the server runs) and
 * every file of the keys folder (`keys/…`: the server key every browser pinned, the admin token's
 * hash, the cluster secret, retired keys). The manifest lists each file's SHA-256: a restore
 * checks every byte before anything is put in place. Offered files (`FILES_DIR`) are not kept:
 * they wait an hour at most and their senders offer again.
 */
export const BACKUP_FORMAT = 'fuv-secure-chat-backup';
export const BACKUP_VERSION = 1;
const MANIFEST = 'manifest.json';
const DATABASE_ENTRY = 'database/chat.sqlite';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  /** false on PostgreSQL: its database is backed up with pg_dump (README). */
  database: boolean;
  files: { path: string; bytes: number; sha256: string }[];
}

export class BackupError extends Error {
  override name = 'BackupError';
}

/** Runs a backup CLI: a refusal prints its reason, anything else what failed; both exit 1. */
export function runCli(
  what: 'Backup' | 'Restore',
  main: () => Promise<void>,
): void {
  main().catch((error: unknown) => {
    console.error(
      error instanceof BackupError
        ? error.message
        : `${what} failed: ${(error as Error).message}`,
    );
    process.exit(1);
  });
}

function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  return pipeline(createReadStream(path), hash).then(() => hash.digest('hex'));
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Writes the backup to `file` (mode 0600, never over an existing file). */
export async function createBackup(
  config: AppConfig,
  file: string,
): Promise<BackupManifest> {
  if (existsSync(file))
    throw new BackupError(`${file} exists; a backup never overwrites a file.`);
  const staging = `${file}.partial-${process.pid}`;
  mkdirSync(staging, { mode: 0o700 });
  try {
    const sources: { path: string; entry: string }[] = [];
    if (config.database.type === 'sqlite') {
      if (!existsSync(config.database.path))
        throw new BackupError(`No database at ${config.database.path}.`);
      const copy = join(staging, 'chat.sqlite');
      // SQLite's online backup: a consistent copy while the server keeps writing (WAL)
      const db = new Database(config.database.path, { fileMustExist: true });
      try {
        await db.backup(copy);
      } finally {
        db.close();
      }
      sources.push({ path: copy, entry: DATABASE_ENTRY });
    }
    for (const path of filesUnder(config.keysDir))
      sources.push({
        path,
        entry: ['keys', ...relative(config.keysDir, path).split(sep)].join('/'),
      });
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      database: config.database.type === 'sqlite',
      files: [],
    };
    for (const source of sources)
      manifest.files.push({
        path: source.entry,
        bytes: statSync(source.path).size,
        sha256: await sha256Of(source.path),
      });
    const archive = pack();
    const written = pipeline(
      archive,
      createWriteStream(file, { flags: 'wx', mode: 0o600 }),
    );
    archive.entry(
      { name: MANIFEST, mode: 0o600 },
      JSON.stringify(manifest, null, 2),
    );
    for (const [i, source] of sources.entries()) {
      await new Promise<void>((done, fail) => {
        const sink = archive.entry(
          { name: source.entry, size: manifest.files[i].bytes, mode: 0o600 },
          (error) => (error ? fail(error) : done()),
        );
        createReadStream(source.path).on('error', fail).pipe(sink);
      });
    }
    archive.finalize();
    await written;
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Nothing may be there yet: a restore never mixes with or overwrites a live server's data. */
function assertEmptyTarget(config: AppConfig, manifest: BackupManifest): void {
  if (
    manifest.database &&
    config.database.type === 'sqlite' &&
    existsSync(config.database.path)
  )
    throw new BackupError(
      `${config.database.path} exists; restore into an empty data folder.`,
    );
  if (existsSync(config.keysDir) && readdirSync(config.keysDir).length > 0)
    throw new BackupError(
      `${config.keysDir} is not empty; restore into an empty keys folder.`,
    );
}

/** Where an archive entry goes, or undefined for one the format does not have. */
function targetOf(config: AppConfig, entry: string): string | undefined {
  if (entry === DATABASE_ENTRY)
    return config.database.type === 'sqlite' ? config.database.path : undefined;
  const parts = entry.split('/');
  if (parts[0] !== 'keys' || parts.length < 2) return undefined;
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  return join(config.keysDir, ...parts.slice(1));
}

/**
 * Restores a backup into an empty data and keys folder. Every entry is checked against the
 * manifest (name, size, SHA-256) in a staging folder first; only a backup that checks out
 * entirely is moved into place.
 */
export async function restoreBackup(
  config: AppConfig,
  file: string,
): Promise<BackupManifest> {
  const staging = `${config.keysDir}.restoring-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  try {
    let manifest: BackupManifest | undefined;
    const staged = new Map<string, string>();
    const entries = extract();
    const reading = pipeline(createReadStream(file), entries);
    for await (const entry of entries) {
      const name = entry.header.name;
      if (!manifest) {
        if (name !== MANIFEST)
          throw new BackupError(
            'Not a backup: it does not begin with its manifest.',
          );
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        const parsed = JSON.parse(
          Buffer.concat(chunks).toString('utf8'),
        ) as BackupManifest;
        if (
          parsed.format !== BACKUP_FORMAT ||
          parsed.version !== BACKUP_VERSION
        )
          throw new BackupError('Not a backup of this format or version.');
        manifest = parsed;
        assertEmptyTarget(config, manifest);
        continue;
      }
      const listed = manifest.files.find((f) => f.path === name);
      if (!listed || staged.has(name) || !targetOf(config, name))
        throw new BackupError(
          `Unexpected entry in the backup: ${name.slice(0, 80)}`,
        );
      const path = join(staging, String(staged.size));
      const hash = createHash('sha256');
      let bytes = 0;
      await pipeline(
        entry,
        async function* (source: AsyncIterable<unknown>) {
          for await (const chunk of source as AsyncIterable<Buffer>) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(path, { mode: 0o600 }),
      );
      if (bytes !== listed.bytes || hash.digest('hex') !== listed.sha256)
        throw new BackupError(
          `${name} does not match the manifest: the backup is damaged.`,
        );
      staged.set(name, path);
    }
    await reading;
    if (!manifest) throw new BackupError('Not a backup: it is empty.');
    const missing = manifest.files.filter((f) => !staged.has(f.path));
    if (missing.length > 0)
      throw new BackupError(
        `The backup is cut short: ${missing.length} files missing.`,
      );
    for (const [name, path] of staged) {
      const target = targetOf(config, name);
      if (target === undefined) continue; // never staged: checked as it was read
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      renameSync(path, target);
    }
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
