import { UploadWindow } from './upload-window';

describe('UploadWindow', () => {
  const chunks = Array.from({ length: 11 }, (_, i) => new Uint8Array([i]));

  it('keeps `window` chunks in flight beyond the last acknowledgement', () => {
    const upload = new UploadWindow(chunks, 4);
    expect(upload.chunkCount).toBe(11);
    expect(upload.acknowledged(0).map((c) => c.index)).toEqual([0, 1, 2, 3]);
    // an acknowledgement of one chunk opens one more
    expect(upload.acknowledged(1).map((c) => c.index)).toEqual([4]);
    // a repeated or stale acknowledgement sends nothing twice
    expect(upload.acknowledged(1)).toEqual([]);
    expect(upload.acknowledged(0)).toEqual([]);
    expect(upload.acknowledged(3).map((c) => c.index)).toEqual([5, 6]);
  });

  it('sends every chunk once, in order, and stops at the end', () => {
    const upload = new UploadWindow(chunks, 4);
    const all = [0, 4, 8].flatMap((ack) => upload.acknowledged(ack));
    expect(all.map((c) => c.index)).toEqual([...Array(11).keys()]);
    expect(all.map((c) => c.data)).toEqual(chunks);
    expect(upload.acknowledged(11)).toEqual([]);
  });

  it('after a restart resends from where the server says it stands', () => {
    const upload = new UploadWindow(chunks, 4);
    upload.acknowledged(0);
    upload.acknowledged(2);
    upload.restart();
    expect(upload.acknowledged(2).map((c) => c.index)).toEqual([2, 3, 4, 5]);
  });
});
