import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LocalFileStore } from './file-store';

describe('LocalFileStore', () => {
  let dir: string;
  let store: LocalFileStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fuv-store-'));
    store = await LocalFileStore.open(join(dir, 'files'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the sealed chunks exactly as sent, readable by the server process only', async () => {
    const id = randomUUID();
    const chunks = [randomBytes(48 * 1024 + 16), randomBytes(20)];
    for (const [index, chunk] of chunks.entries())
      await store.write(id, index, chunk);
    for (const [index, chunk] of chunks.entries())
      expect(Buffer.from(await store.read(id, index)).equals(chunk)).toBe(true);
    expect(readFileSync(join(dir, 'files', id, '1.chunk'))).toEqual(chunks[1]);
    expect(statSync(join(dir, 'files', id, '1.chunk')).mode & 0o777).toBe(
      0o600,
    );
    expect(statSync(join(dir, 'files', id)).mode & 0o777).toBe(0o700);
    expect(await store.ids()).toEqual([id]);
    await store.remove(id);
    expect(await store.ids()).toEqual([]);
  });

  it('refuses any id that is not a server UUID', async () => {
    await expect(store.write('../../etc', 0, Buffer.from('x'))).rejects.toThrow(
      'invalid file id',
    );
    await expect(store.read('../keys', 0)).rejects.toThrow('invalid file id');
  });
});
