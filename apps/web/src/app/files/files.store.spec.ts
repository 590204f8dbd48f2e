import { webcrypto } from 'node:crypto';

import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ClientEvent, Limits, ServerEvent, UPLOAD_WINDOW } from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { FakeSocketService } from '../core/realtime/fake-socket.service.spec-helper';
import { SocketService } from '../core/realtime/socket.service';
import { FilesStore } from './files.store';

const hex = async (bytes: Uint8Array) =>
  Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
/** Waits (bounded) until the store leaves `state`: SHA-256 runs on real Web Crypto, off the test's clock. */
const leaves = async (read: () => string | undefined, state: string) => {
  for (let i = 0; i < 200 && read() === state; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('FilesStore', () => {
  let socket: FakeSocketService;
  let store: FilesStore;
  const notify = { error: jest.fn(), info: jest.fn() };

  beforeAll(() => {
    // jsdom has no object URLs (SubtleCrypto is lent in test-setup)
    URL.createObjectURL = jest.fn(() => 'blob:saved');
  });

  beforeEach(() => {
    notify.error.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: SocketService, useClass: FakeSocketService },
        { provide: NotifyService, useValue: notify },
      ],
    });
    socket = TestBed.inject(SocketService) as unknown as FakeSocketService;
    store = TestBed.inject(FilesStore);
  });

  it('offers a file with its SHA-256 and sends chunks a few ahead of the acknowledgements', async () => {
    const bytes = new Uint8Array(
      Limits.fileChunkBytes * (UPLOAD_WINDOW + 1) + 3,
    ).map((_, i) => i % 256);
    // jsdom's File has no arrayBuffer(); the browser's does
    const file = Object.assign(new File([bytes], 'a/b.bin'), {
      arrayBuffer: async () => bytes.buffer,
    });
    await store.send(file, 'bob');
    const [offer] = socket.sent(ClientEvent.FileOffer) as {
      transferId: string;
      sha256: string;
      chunkCount: number;
      to: string;
      name: string;
    }[];
    expect(offer).toMatchObject({
      chunkCount: UPLOAD_WINDOW + 2,
      to: 'bob',
      name: 'b.bin',
      sha256: await hex(bytes),
    });

    socket.emit(ServerEvent.FileUploadProgress, {
      transferId: offer.transferId,
      nextIndex: 0,
      chunkCount: UPLOAD_WINDOW + 2,
      verified: false,
    });
    expect(
      (socket.sent(ClientEvent.FileChunk) as { index: number }[]).map(
        (c) => c.index,
      ),
    ).toEqual([...Array(UPLOAD_WINDOW).keys()]);
    socket.emit(ServerEvent.FileUploadProgress, {
      transferId: offer.transferId,
      nextIndex: 2,
      chunkCount: UPLOAD_WINDOW + 2,
      verified: false,
    });
    expect(
      (socket.sent(ClientEvent.FileChunk) as { index: number }[]).map(
        (c) => c.index,
      ),
    ).toEqual([...Array(UPLOAD_WINDOW + 2).keys()]);
    expect(store.transfers().get(offer.transferId)).toMatchObject({
      state: 'uploading',
      progress: Math.floor(200 / (UPLOAD_WINDOW + 2)),
    });
    socket.emit(ServerEvent.FileUploadProgress, {
      transferId: offer.transferId,
      nextIndex: UPLOAD_WINDOW + 2,
      chunkCount: UPLOAD_WINDOW + 2,
      verified: true,
    });
    expect(store.transfers().get(offer.transferId)).toMatchObject({
      state: 'offered',
      progress: 100,
    });
  });

  it('refuses a file over the limit before anything is sent', async () => {
    await store.send({
      name: 'huge.iso',
      size: Limits.maxFileBytes + 1,
      type: '',
    } as File);
    expect(notify.error).toHaveBeenCalledWith(
      expect.stringContaining('the limit is 20 MB'),
    );
    expect(socket.send).not.toHaveBeenCalled();
  });

  it('downloads an accepted file and offers Save only when the SHA-256 matches', async () => {
    const bytes = new Uint8Array(Limits.fileChunkBytes + 10).fill(7);
    const offer = {
      transferId: 't-ok-0001',
      from: 'alice',
      to: null,
      name: 'x.bin',
      size: bytes.length,
      type: '',
      sha256: await hex(bytes),
      chunkCount: 2,
      at: '2026-01-01T00:00:00.000Z',
    };
    socket.emit(ServerEvent.FileOffered, offer);
    await store.accept(offer.transferId);
    expect(socket.sent(ClientEvent.FileAnswer)).toEqual([
      { transferId: offer.transferId, accept: true },
    ]);
    expect(socket.sent(ClientEvent.FileFetch)).toEqual([
      { transferId: offer.transferId, from: 0 },
    ]);
    socket.emit(ServerEvent.FileData, {
      transferId: offer.transferId,
      index: 0,
      data: bytes.subarray(0, Limits.fileChunkBytes),
    });
    socket.emit(ServerEvent.FileData, {
      transferId: offer.transferId,
      index: 1,
      data: bytes.subarray(Limits.fileChunkBytes),
    });
    await leaves(
      () => store.transfers().get(offer.transferId)?.state,
      'downloading',
    );
    expect(store.transfers().get(offer.transferId)).toMatchObject({
      state: 'saved',
      progress: 100,
      url: 'blob:saved',
    });
  });

  it('saves nothing when the reassembled file does not match its SHA-256', async () => {
    const offer = {
      transferId: 't-bad-0001',
      from: 'alice',
      to: null,
      name: 'x.bin',
      size: 4,
      type: '',
      sha256: 'f'.repeat(64),
      chunkCount: 1,
      at: '2026-01-01T00:00:00.000Z',
    };
    socket.emit(ServerEvent.FileOffered, offer);
    await store.accept(offer.transferId);
    socket.emit(ServerEvent.FileData, {
      transferId: offer.transferId,
      index: 0,
      data: new Uint8Array([1, 2, 3, 4]),
    });
    await leaves(
      () => store.transfers().get(offer.transferId)?.state,
      'downloading',
    );
    expect(store.transfers().get(offer.transferId)).toMatchObject({
      state: 'failed',
    });
    expect(store.transfers().get(offer.transferId)?.url).toBeUndefined();
    expect(notify.error).toHaveBeenCalledWith(
      expect.stringContaining('SHA-256 mismatch'),
    );
  });
});
