import { randomBytes, randomUUID } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LocalEncryptedFileStore } from './file-store';

describe('LocalEncryptedFileStore', () => {
  let dir: string;
  let store: LocalEncryptedFileStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fuv-store-'));
    store = await LocalEncryptedFileStore.open(
      join(dir, 'files'),
      join(dir, 'keys'),
    );
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips chunks, encrypted at rest, with a 0600 storage key', async () => {
    const id = randomUUID();
    const chunks = [
      randomBytes(48 * 1024),
      Buffer.from('plain words that must not be on disk'),
    ];
    for (const [index, chunk] of chunks.entries())
      await store.write(id, index, chunk);
    for (const [index, chunk] of chunks.entries())
      expect(Buffer.from(await store.read(id, index)).equals(chunk)).toBe(true);
    expect(
      readFileSync(join(dir, 'files', id, '1.chunk')).toString('latin1'),
    ).not.toContain('plain words');
    expect(statSync(join(dir, 'keys', 'storage.key')).mode & 0o777).toBe(0o600);
    expect(await store.ids()).toEqual([id]);
    await store.remove(id);
    expect(await store.ids()).toEqual([]);
  });

  it('refuses a tampered or moved chunk, and any id that is not a server UUID', async () => {
    const id = randomUUID();
    await store.write(id, 0, Buffer.from('first'));
    await store.write(id, 1, Buffer.from('second'));
    const path = join(dir, 'files', id, '0.chunk');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(path, bytes);
    await expect(store.read(id, 0)).rejects.toThrow();
    writeFileSync(path, readFileSync(join(dir, 'files', id, '1.chunk')));
    await expect(store.read(id, 0)).rejects.toThrow();
    await expect(store.write('../../etc', 0, Buffer.from('x'))).rejects.toThrow(
      'invalid file id',
    );
  });
});
