import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import {
  mkdir,
  readFile,
  readdir,
  rm,
  stat,
  statfs,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';

import { loadSecret } from '../crypto/secret-file';

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
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Files whose key and folder are remembered (a transfer touches its file hundreds of times). */
const OPEN_FILES = 1000;

/**
 * Chunks on the local disk, encrypted at rest: AES-256-GCM under a per-file key derived with
 * HKDF from the server's storage key (`keys/storage.key`) and the file id, a random nonce per
 * chunk, the file id and chunk index in the associated data.
 */
export class LocalEncryptedFileStore extends FileStore {
  /** File id → its derived key; a file is written (so its folder made) before it is read. */
  private readonly open = new Map<string, Buffer>();

  private constructor(
    private readonly dir: string,
    private readonly storageKey: Buffer,
  ) {
    super();
  }

  static async open(
    dir: string,
    keysDir: string,
  ): Promise<LocalEncryptedFileStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const key = loadSecret(keysDir, 'storage.key');
    return new LocalEncryptedFileStore(dir, key);
  }

  async write(id: string, index: number, bytes: Uint8Array): Promise<void> {
    const folder = this.folder(id);
    if (!this.open.has(id))
      await mkdir(folder, { recursive: true, mode: 0o700 });
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.fileKey(id), nonce);
    cipher.setAAD(Buffer.from(`${id}/${index}`));
    const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
    await writeFile(
      join(folder, `${index}.chunk`),
      Buffer.concat([nonce, body, cipher.getAuthTag()]),
      { mode: 0o600 },
    );
  }

  async freeBytes(): Promise<number> {
    const fs = await statfs(this.dir);
    return fs.bavail * fs.bsize;
  }

  async read(id: string, index: number): Promise<Uint8Array> {
    const stored = await readFile(join(this.folder(id), `${index}.chunk`));
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.fileKey(id),
      stored.subarray(0, NONCE_BYTES),
    );
    decipher.setAAD(Buffer.from(`${id}/${index}`));
    decipher.setAuthTag(stored.subarray(stored.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(stored.subarray(NONCE_BYTES, stored.length - TAG_BYTES)),
      decipher.final(),
    ]);
  }

  async remove(id: string): Promise<void> {
    this.open.delete(id);
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

  private fileKey(id: string): Buffer {
    let key = this.open.get(id);
    if (!key) {
      key = Buffer.from(
        hkdfSync('sha256', this.storageKey, id, 'fuv-chat/file-at-rest/v1', 32),
      );
      if (this.open.size >= OPEN_FILES)
        this.open.delete(this.open.keys().next().value as string);
      this.open.set(id, key);
    }
    return key;
  }
}
