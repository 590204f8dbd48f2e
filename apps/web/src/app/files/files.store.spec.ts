import { webcrypto } from 'node:crypto';

import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import {
  ClientEvent,
  type FileOfferPayload,
  type FileOfferedPayload,
  Limits,
  ServerEvent,
  UPLOAD_WINDOW,
  sealFile,
} from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { FakeSocketService } from '../core/realtime/fake-socket.service.spec-helper';
import { SocketService } from '../core/realtime/socket.service';
import { E2eeService } from '../e2ee/e2ee.service';
import { FilesStore } from './files.store';

const hex = async (bytes: Uint8Array) =>
  Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
/** Waits (bounded) until `done`: sealing runs on real Web Crypto, off the test's clock. */
const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const leaves = (read: () => string | undefined, state: string) =>
  until(() => read() !== state);
const offerOf = (
  transferId: string,
  size: number,
  chunkCount: number,
  extra: Partial<FileOfferedPayload>,
): FileOfferedPayload => ({
  transferId,
  from: 'alice',
  to: null,
  size,
  chunkCount,
  sha256: 'e'.repeat(64),
  at: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('FilesStore', () => {
  let socket: FakeSocketService;
  let store: FilesStore;
  const notify = { error: jest.fn(), info: jest.fn() };
  /** The end-to-end side is its own unit: here it hands out and takes back secrets. */
  const e2ee = {
    sealFile: jest.fn(async () => ({
      v: 1 as const,
      kind: 'file' as const,
      conversation: 'Y29udg==',
      mls: 'c2VhbGVk',
    })),
    revealFile: jest.fn(),
  };

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
        { provide: E2eeService, useValue: e2ee },
      ],
    });
    socket = TestBed.inject(SocketService) as unknown as FakeSocketService;
    store = TestBed.inject(FilesStore);
  });

  it('seals a private file, its secret end to end, and sends sealed chunks a few ahead of the acknowledgements', async () => {
    const bytes = new Uint8Array(
      Limits.fileChunkBytes * (UPLOAD_WINDOW + 1) + 3,
    ).map((_, i) => i % 256);
    // jsdom's File has no arrayBuffer(); the browser's does
    const file = Object.assign(new File([bytes], 'a/b.bin'), {
      arrayBuffer: async () => bytes.buffer,
    });
    await store.send(file, 'bob');
    const [offer] = socket.sent(ClientEvent.FileOffer) as FileOfferPayload[];
    expect(offer).toMatchObject({
      chunkCount: UPLOAD_WINDOW + 2,
      size: bytes.length,
      to: 'bob',
      e2ee: { kind: 'file', mls: 'c2VhbGVk' },
    });
    // the name, the content's SHA-256 and the key only inside the end-to-end message
    expect(offer.file).toBeUndefined();
    expect(e2ee.sealFile).toHaveBeenCalledWith(
      'bob',
      expect.any(String),
      expect.objectContaining({ name: 'b.bin', sha256: await hex(bytes) }),
    );

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
    const [first] = socket.sent(ClientEvent.FileChunk) as {
      data: Uint8Array;
    }[];
    expect(first.data.length).toBe(Limits.fileChunkBytes + 16);
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

  it('opens an accepted file and offers Save only once every box opened and the SHA-256 matches', async () => {
    const bytes = new Uint8Array(Limits.fileChunkBytes + 10).fill(7);
    const sealed = await sealFile(bytes, 't-ok-0001', 'x.bin', 'text/plain');
    const offer = offerOf('t-ok-0001', bytes.length, sealed.chunks.length, {
      file: sealed.secret,
    });
    socket.emit(ServerEvent.FileOffered, offer);
    await until(() => store.transfers().has(offer.transferId));
    expect(store.transfers().get(offer.transferId)).toMatchObject({
      name: 'x.bin',
      type: 'text/plain',
      e2ee: false,
    });
    await store.accept(offer.transferId);
    expect(socket.sent(ClientEvent.FileAnswer)).toEqual([
      { transferId: offer.transferId, accept: true },
    ]);
    expect(socket.sent(ClientEvent.FileFetch)).toEqual([
      { transferId: offer.transferId, from: 0 },
    ]);
    sealed.chunks.forEach((data, index) =>
      socket.emit(ServerEvent.FileData, {
        transferId: offer.transferId,
        index,
        data,
      }),
    );
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

  it('a private file is named by its end-to-end secret; one that cannot be opened is not shown', async () => {
    const sealed = await sealFile(
      new Uint8Array([1]),
      't-e2e-001',
      'p.txt',
      '',
    );
    e2ee.revealFile.mockResolvedValueOnce(sealed.secret);
    const stand = {
      v: 1 as const,
      kind: 'file' as const,
      conversation: 'AA==',
      mls: 'AA==',
    };
    socket.emit(
      ServerEvent.FileOffered,
      offerOf('t-e2e-001', 1, 1, { to: 'me', e2ee: stand }),
    );
    await until(() => store.transfers().has('t-e2e-001'));
    expect(store.transfers().get('t-e2e-001')).toMatchObject({
      name: 'p.txt',
      e2ee: true,
    });
    e2ee.revealFile.mockResolvedValueOnce(undefined);
    socket.emit(
      ServerEvent.FileOffered,
      offerOf('t-e2e-002', 1, 1, { to: 'me', e2ee: stand }),
    );
    await until(() => notify.error.mock.calls.length > 0);
    expect(notify.error).toHaveBeenCalledWith(
      expect.stringContaining('could not be decrypted'),
    );
    expect(store.transfers().has('t-e2e-002')).toBe(false);
  });

  it('E63: a private file without end-to-end encryption is not offered, and said so', async () => {
    e2ee.revealFile.mockClear();
    const sealed = await sealFile(
      new Uint8Array([1]),
      't-plain-01',
      'p.txt',
      '',
    );
    socket.emit(
      ServerEvent.FileOffered,
      offerOf('t-plain-01', 1, 1, { to: 'me', file: sealed.secret }),
    );
    await until(() => notify.error.mock.calls.length > 0);
    expect(notify.error).toHaveBeenCalledWith(
      'A private file said to be from alice arrived without end-to-end encryption; it was not offered.',
    );
    expect(store.transfers().has('t-plain-01')).toBe(false);
    expect(e2ee.revealFile).not.toHaveBeenCalled();
  });

  it('saves nothing when a box was changed on the way', async () => {
    const sealed = await sealFile(
      new Uint8Array([1, 2, 3, 4]),
      't-bad-0001',
      'x.bin',
      '',
    );
    const offer = offerOf('t-bad-0001', 4, 1, { file: sealed.secret });
    socket.emit(ServerEvent.FileOffered, offer);
    await until(() => store.transfers().has(offer.transferId));
    await store.accept(offer.transferId);
    const box = sealed.chunks[0].slice();
    box[0] ^= 1;
    socket.emit(ServerEvent.FileData, {
      transferId: offer.transferId,
      index: 0,
      data: box,
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
