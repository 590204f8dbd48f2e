import { createHash, randomBytes } from 'node:crypto';

import { Limits } from '../protocol/limits';
import { toBase64 } from './bytes';
import {
  FILE_TAG_BYTES,
  FileOpenError,
  FileOpener,
  asFileSecret,
  sealFile,
  sealedChunkBytes,
} from './file-cipher';

const CHUNK = Limits.fileChunkBytes;
const hex = (bytes: Uint8Array) =>
  createHash('sha256').update(bytes).digest('hex');

describe('file cipher', () => {
  const bytes = new Uint8Array(randomBytes(2 * CHUNK + 100));
  const id = 'a1b2c3d4-transfer';

  it('seals each chunk under a fresh key, sized as the server expects, and opens it back', async () => {
    const sealed = await sealFile(bytes, id, 'report.pdf', 'application/pdf');
    expect(sealed.chunks.map((c) => c.length)).toEqual([
      sealedChunkBytes(bytes.length, 0),
      sealedChunkBytes(bytes.length, 1),
      sealedChunkBytes(bytes.length, 2),
    ]);
    expect(sealed.chunks[2].length).toBe(100 + FILE_TAG_BYTES);
    expect(sealed.secret).toMatchObject({
      name: 'report.pdf',
      type: 'application/pdf',
      sha256: hex(bytes),
    });
    expect(sealed.sealedSha256).toBe(hex(Buffer.concat(sealed.chunks)));
    // nothing of the content is readable in what the server stores
    expect(
      Buffer.concat(sealed.chunks).includes(Buffer.from(bytes.subarray(0, 32))),
    ).toBe(false);
    const opener = await FileOpener.for(sealed.secret, id, 3);
    const opened = await Promise.all(
      sealed.chunks.map((box, i) => opener.open(i, box)),
    );
    expect(Buffer.concat(opened)).toEqual(Buffer.from(bytes));
    // another file's key is another key
    const again = await sealFile(bytes, id, 'report.pdf', 'application/pdf');
    expect(again.secret.key).not.toBe(sealed.secret.key);
    expect(again.chunks[0]).not.toEqual(sealed.chunks[0]);
  });

  it('refuses a box moved to another position or file, tampered with, or a file cut short', async () => {
    const sealed = await sealFile(bytes, id, 'f', '');
    const opener = await FileOpener.for(sealed.secret, id, 3);
    await expect(opener.open(1, sealed.chunks[0])).rejects.toThrow(
      FileOpenError,
    );
    const other = await FileOpener.for(sealed.secret, 'another-transfer', 3);
    await expect(other.open(0, sealed.chunks[0])).rejects.toThrow(
      FileOpenError,
    );
    const flipped = sealed.chunks[0].slice();
    flipped[10] ^= 1;
    await expect(opener.open(0, flipped)).rejects.toThrow(FileOpenError);
    // told the file has two chunks, chunk 1 is not sealed as the last one: refused
    const cut = await FileOpener.for(sealed.secret, id, 2);
    await expect(cut.open(1, sealed.chunks[1])).rejects.toThrow(FileOpenError);
    // a wrong key opens nothing
    const wrong = await FileOpener.for(
      { ...sealed.secret, key: toBase64(new Uint8Array(32)) },
      id,
      3,
    );
    await expect(wrong.open(0, sealed.chunks[0])).rejects.toThrow(
      FileOpenError,
    );
  });

  it('reads a file secret only when every field is well formed', () => {
    const good = {
      name: 'a.txt',
      type: 'text/plain',
      sha256: 'a'.repeat(64),
      key: toBase64(new Uint8Array(32)),
    };
    expect(asFileSecret({ ...good, extra: 1 })).toEqual(good);
    for (const bad of [
      null,
      'secret',
      { ...good, name: '' },
      { ...good, name: 7 },
      { ...good, type: 'x'.repeat(256) },
      { ...good, sha256: 'A'.repeat(64) },
      { ...good, key: toBase64(new Uint8Array(16)) },
      { ...good, key: '%%%' },
    ])
      expect(asFileSecret(bad)).toBeUndefined();
  });
});
