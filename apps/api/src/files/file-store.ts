import {
  mkdir,
  readFile,
  readdir,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';

import { freeBytesAt } from '../common/free-disk';

/**
 * Where file chunks wait between upload and download. Instances of a cluster share one (a
 * folder they all mount); another backend (object storage) would implement the same interface.
 */
export abstract class FileStore {
  /** Stores chunk `index` of file `id` (ids are server-generated UUIDs, never client names). */
  abstract write(id: string, index: number, bytes: Uint8Array): Promise<void>;
  abstract read(id: string, index: number): Promise<Uint8Array>;
  abstract remove(id: string): Promise<void>;
  /** Ids of every stored file (for the orphan sweep). */
  abstract ids(): Promise<string[]>;
  /** When a chunk of the file was last written (epoch ms). */
  abstract lastWritten(id: string): Promise<number>;
  /** Bytes still free where the data is kept (the free-disk floor, F42). */
  abstract freeBytes(): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Chunks on the local disk as their sender sealed them (AES-256-GCM under a key the server
 * never writes down, and for a private file never sees): nothing to re-encrypt at rest, and a
 * chunk changed on disk fails to open in the recipient's browser.
 */
export class LocalFileStore extends FileStore {
  private constructor(private readonly dir: string) {
    super();
  }

  static async open(dir: string): Promise<LocalFileStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new LocalFileStore(dir);
  }

  async write(id: string, index: number, bytes: Uint8Array): Promise<void> {
    const folder = this.folder(id);
    // chunks arrive in order: the first one makes the file's folder
    if (index === 0) await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(join(folder, `${index}.chunk`), bytes, { mode: 0o600 });
  }

  freeBytes(): Promise<number> {
    return freeBytesAt(this.dir);
  }

  async read(id: string, index: number): Promise<Uint8Array> {
    return readFile(join(this.folder(id), `${index}.chunk`));
  }

  async remove(id: string): Promise<void> {
    await rm(this.folder(id), { recursive: true, force: true });
  }

  async ids(): Promise<string[]> {
    return (await readdir(this.dir)).filter((name) => UUID.test(name));
  }

  /** A chunk written creates an entry in the file's folder, which updates the folder's mtime. */
  async lastWritten(id: string): Promise<number> {
    return (await stat(this.folder(id))).mtimeMs;
  }

  private folder(id: string): string {
    if (!UUID.test(id)) throw new Error('invalid file id');
    return join(this.dir, id);
  }
}
