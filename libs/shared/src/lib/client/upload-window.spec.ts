import { Limits } from '../protocol/limits';
import { UploadWindow } from './upload-window';

const CHUNK = Limits.fileChunkBytes;

describe('UploadWindow', () => {
  const bytes = new Uint8Array(10 * CHUNK + 5).map((_, i) => i % 251);

  it('keeps `window` chunks in flight beyond the last acknowledgement', () => {
    const upload = new UploadWindow(bytes, 4);
    expect(upload.chunkCount).toBe(11);
    expect(upload.acknowledged(0).map((c) => c.index)).toEqual([0, 1, 2, 3]);
    // an acknowledgement of one chunk opens one more
    expect(upload.acknowledged(1).map((c) => c.index)).toEqual([4]);
    // a repeated or stale acknowledgement sends nothing twice
    expect(upload.acknowledged(1)).toEqual([]);
    expect(upload.acknowledged(0)).toEqual([]);
    expect(upload.acknowledged(3).map((c) => c.index)).toEqual([5, 6]);
  });

  it('cuts the file into exact chunks, the last one short, and stops at the end', () => {
    const upload = new UploadWindow(bytes, 4);
    const all = [0, 4, 8].flatMap((ack) => upload.acknowledged(ack));
    expect(all.map((c) => c.index)).toEqual([...Array(11).keys()]);
    expect(all[0].data).toEqual(bytes.subarray(0, CHUNK));
    expect(all[10].data).toEqual(bytes.subarray(10 * CHUNK));
    expect(upload.acknowledged(11)).toEqual([]);
  });

  it('after a restart resends from where the server says it stands', () => {
    const upload = new UploadWindow(bytes, 4);
    upload.acknowledged(0);
    upload.acknowledged(2);
    upload.restart();
    expect(upload.acknowledged(2).map((c) => c.index)).toEqual([2, 3, 4, 5]);
  });
});
