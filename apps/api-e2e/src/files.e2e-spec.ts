import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import {
  ClientEvent,
  ErrorCode,
  FILE_TAG_BYTES,
  Limits,
  ServerEvent,
  chunkCountFor,
} from '@app/shared';

import { ChatClient } from '@app/testing';

import { useChatRoom } from './support/chat-room';
import {
  download,
  sealedOffer,
  sha256,
  standInE2ee,
  upload,
} from './support/file-transfer';
import { auditRows, sleep, startServer } from './support/test-server';

const MB = 1024 * 1024;

describe('encrypted file sharing (real app, real SQLite, real socket.io-client)', () => {
  const room = useChatRoom();
  const server = () => room.server;
  const stored = () => readdirSync(server().config.files.dir);
  /** Folders this test left in the store (other tests' files may still wait for their TTL). */
  let before: string[] = [];
  const added = () => stored().filter((folder) => !before.includes(folder));

  beforeEach(() => {
    before = stored();
  });

  it('moves a 20 MB random file to everyone: verified, accepted by one, rejected by another', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const carol = await room.login('carol');
    const bytes = randomBytes(20 * MB);

    const started = Date.now();
    const transferId = await upload(alice, bytes, { name: 'holiday.mov' });
    const uploaded = Date.now();
    const done = alice
      .all(ServerEvent.FileUploadProgress)
      .filter((p) => p.transferId === transferId)
      .at(-1)!;
    expect(done).toMatchObject({
      verified: true,
      nextIndex: chunkCountFor(bytes.length),
    });

    const offer = await bob.next(ServerEvent.FileOffered);
    expect(offer).toMatchObject({
      transferId,
      from: 'alice',
      to: null,
      size: 20 * MB,
      file: { name: 'holiday.mov', sha256: sha256(bytes) },
    });
    // the server verified the sealed chunks, never the content
    expect(offer.sha256).not.toBe(sha256(bytes));
    await carol.next(ServerEvent.FileOffered);
    await carol.send(ClientEvent.FileAnswer, { transferId, accept: false });
    expect(
      await alice.next(ServerEvent.FileAnswered, (a) => a.by === 'carol'),
    ).toMatchObject({ accepted: false });

    const received = await download(bob, offer);
    const downloaded = Date.now();
    expect(sha256(received)).toBe(sha256(bytes));
    expect(received.equals(bytes)).toBe(true);
    expect(
      await alice.next(ServerEvent.FileAnswered, (a) => a.by === 'bob'),
    ).toMatchObject({ accepted: true });
    // nothing was streamed to the one who rejected
    expect(carol.all(ServerEvent.FileData)).toHaveLength(0);
    console.log(
      `20 MB over loopback: upload ${uploaded - started} ms, download ${downloaded - uploaded} ms`,
    );

    const audit = (await auditRows(server()))
      .filter((r) => r.type.startsWith('file_'))
      .map((r) => r.type);
    expect(audit).toEqual(
      expect.arrayContaining([
        'file_offered',
        'file_completed',
        'file_rejected',
        'file_accepted',
        'file_downloaded',
      ]),
    );
    expect(JSON.stringify(await auditRows(server()))).not.toContain(
      bytes.subarray(0, 32).toString('base64'),
    );
  }, 60_000);

  it('moves a 20 MB file privately: only the recipient is offered it, and the data is gone after the download', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const carol = await room.login('carol');
    const bytes = randomBytes(20 * MB);
    const e2ee = standInE2ee();
    const transferId = await upload(alice, bytes, {
      to: 'bob',
      name: 'secret-plans.pdf',
      e2ee,
    });
    const offer = await bob.next(ServerEvent.FileOffered);
    // the secret reaches bob exactly as sealed for him; the server holds no name, type or key
    expect(offer).toMatchObject({ to: 'bob', e2ee });
    expect(offer.file).toBeUndefined();
    expect(JSON.stringify(await auditRows(server()))).not.toContain(
      'secret-plans',
    );
    expect((await download(bob, offer)).equals(bytes)).toBe(true);
    // the stored data is removed right after the last chunk went out (bounded wait under load)
    for (let i = 0; i < 50 && added().length > 0; i++) await sleep(100);
    expect(
      carol
        .all(ServerEvent.FileOffered)
        .filter((o) => o.transferId === transferId),
    ).toHaveLength(0);
    expect(added()).toEqual([]);
  }, 60_000);

  it('stores the chunks exactly as their sender sealed them, under a server id, never the client name (F20)', async () => {
    const alice = await room.login('alice');
    await room.login('bob');
    const bytes = Buffer.alloc(3 * Limits.fileChunkBytes, 'PLAINTEXT-MARKER ');
    const transferId = await upload(alice, bytes, {
      name: '../../etc/passwd',
      stopAfter: 2,
    });
    const [folder] = added();
    expect(folder).toMatch(/^[0-9a-f-]{36}$/);
    const chunk = readFileSync(
      join(server().config.files.dir, folder, '0.chunk'),
    );
    expect(chunk.toString('latin1')).not.toContain('PLAINTEXT-MARKER');
    // no re-encryption at rest: the stored bytes are the sender's box
    const { sealed } = await sealedOffer(bytes, { transferId });
    expect(chunk.equals(sealed.chunks[0])).toBe(true);
    await alice.send(ClientEvent.FileCancel, { transferId });
    await upload(alice, Buffer.from('hi'), { name: '..\\..\\CON' });
    const bob = room.clients().find((c) => c.username === 'bob')!;
    expect(
      (await bob.next(ServerEvent.FileOffered, (o) => o.size === 2)).file?.name,
    ).toBe('_CON');
  });

  it('E55: a private file’s secret never travels in the clear, and a public one needs its secret', async () => {
    const alice = await room.login('alice');
    await room.login('bob');
    const bytes = randomBytes(100);
    const { offer: open } = await sealedOffer(bytes);
    const { offer: sealed } = await sealedOffer(bytes, { to: 'bob' });
    for (const [offer, field] of [
      [{ ...open, to: 'bob' }, 'e2ee'],
      [{ ...sealed, file: open.file }, 'e2ee'],
      [{ ...open, file: undefined }, 'file'],
      [{ ...open, e2ee: sealed.e2ee }, 'file'],
    ] as const) {
      await alice.send(ClientEvent.FileOffer, {
        ...offer,
        transferId: randomUUID(),
      });
      expect(await alice.nextError(ClientEvent.FileOffer)).toMatchObject({
        code: ErrorCode.InvalidPayload,
        field,
      });
    }
    // an MLS message of another kind is not a file's secret (E61)
    await alice.send(ClientEvent.FileOffer, {
      ...sealed,
      e2ee: { ...sealed.e2ee!, kind: 'message' },
    });
    expect(await alice.nextError(ClientEvent.FileOffer)).toMatchObject({
      code: ErrorCode.InvalidPayload,
    });
    expect(added()).toEqual([]);
  });

  it('F21: a file over the limit is refused at the offer, before any byte', async () => {
    const alice = await room.login('alice');
    await room.login('bob');
    const { offer } = await sealedOffer(randomBytes(10), { name: 'big.iso' });
    await alice.send(ClientEvent.FileOffer, {
      ...offer,
      size: 20 * MB + 1,
      chunkCount: chunkCountFor(20 * MB + 1),
    });
    const error = await alice.nextError(ClientEvent.FileOffer);
    expect(error).toMatchObject({
      code: ErrorCode.FileTooLarge,
      field: 'size',
    });
    expect(error.message).toContain('limit is 20 MB');
    expect(added()).toEqual([]);
  });

  it('F21/F22: wrong sizes, indexes and counts are refused chunk by chunk; duplicates are harmless', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const bytes = randomBytes(2 * Limits.fileChunkBytes + 10);
    const { offer, sealed } = await sealedOffer(bytes);
    const { transferId } = offer;
    const [first, second, last] = sealed.chunks;
    expect(last.length).toBe(10 + FILE_TAG_BYTES);
    await alice.send(ClientEvent.FileOffer, offer);
    await alice.next(ServerEvent.FileUploadProgress);
    const send = (index: number, data: Uint8Array) =>
      alice.send(ClientEvent.FileChunk, { transferId, index, data });

    // a chunk of the content's size is a chunk without its tag: refused
    await send(0, first.subarray(0, Limits.fileChunkBytes));
    expect(await alice.nextError(ClientEvent.FileChunk)).toMatchObject({
      code: ErrorCode.InvalidPayload,
      field: 'data',
    });
    await send(1, second);
    expect(await alice.nextError(ClientEvent.FileChunk)).toMatchObject({
      field: 'index',
    });
    await alice.sendRaw(ClientEvent.FileChunk, {
      transferId,
      index: -1,
      data: first.subarray(0, 10),
    });
    expect(await alice.nextError(ClientEvent.FileChunk)).toMatchObject({
      field: 'index',
    });
    await send(0, first);
    expect((await alice.next(ServerEvent.FileUploadProgress)).nextIndex).toBe(
      1,
    );
    await send(0, first);
    expect((await alice.next(ServerEvent.FileUploadProgress)).nextIndex).toBe(
      1,
    );
    await send(1, second);
    await alice.next(ServerEvent.FileUploadProgress);
    await send(2, randomBytes(last.length + 1));
    expect(await alice.nextError(ClientEvent.FileChunk)).toMatchObject({
      field: 'data',
    });
    await send(3, randomBytes(10));
    expect(await alice.nextError(ClientEvent.FileChunk)).toMatchObject({
      field: 'index',
    });
    expect(bob.all(ServerEvent.FileOffered)).toHaveLength(0);
    await send(2, last);
    expect(await alice.next(ServerEvent.FileUploadProgress)).toMatchObject({
      verified: true,
    });
    await bob.next(ServerEvent.FileOffered);

    const { offer: miscounted } = await sealedOffer(randomBytes(10));
    await alice.send(ClientEvent.FileOffer, { ...miscounted, chunkCount: 2 });
    expect(await alice.nextError(ClientEvent.FileOffer)).toMatchObject({
      field: 'chunkCount',
    });
  });

  it('F23: a SHA-256 mismatch fails the transfer for everyone, offers nothing and removes the data', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const bytes = randomBytes(Limits.fileChunkBytes + 5);
    const { offer, sealed } = await sealedOffer(bytes);
    const { transferId } = offer;
    await alice.send(ClientEvent.FileOffer, {
      ...offer,
      sha256: sha256(randomBytes(8)),
    });
    await alice.next(ServerEvent.FileUploadProgress);
    await alice.send(ClientEvent.FileChunk, {
      transferId,
      index: 0,
      data: sealed.chunks[0],
    });
    await alice.next(ServerEvent.FileUploadProgress);
    await alice.send(ClientEvent.FileChunk, {
      transferId,
      index: 1,
      data: sealed.chunks[1],
    });
    expect(await alice.next(ServerEvent.FileEnded)).toMatchObject({
      transferId,
      reason: 'sha256_mismatch',
    });
    await sleep(100);
    expect(bob.all(ServerEvent.FileOffered)).toHaveLength(0);
    expect(added()).toEqual([]);
    expect((await auditRows(server(), 'file_failed')).at(-1)!.detail).toContain(
      'sha256_mismatch',
    );
  });

  it('F24: chunks under another user’s transfer, downloads by non-recipients or before accepting are refused alike', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const mallory = await room.login('mallory');
    const bytes = randomBytes(1000);
    const secret = await upload(alice, bytes, { to: 'bob' });
    await bob.next(ServerEvent.FileOffered);

    await mallory.send(ClientEvent.FileChunk, {
      transferId: secret,
      index: 0,
      data: bytes,
    });
    expect(await mallory.nextError(ClientEvent.FileChunk)).toMatchObject({
      code: ErrorCode.NotFound,
    });
    await mallory.send(ClientEvent.FileAnswer, {
      transferId: secret,
      accept: true,
    });
    expect(await mallory.nextError(ClientEvent.FileAnswer)).toMatchObject({
      code: ErrorCode.NotFound,
    });
    await mallory.send(ClientEvent.FileFetch, { transferId: secret, from: 0 });
    expect(await mallory.nextError(ClientEvent.FileFetch)).toMatchObject({
      code: ErrorCode.NotFound,
      message: 'No such file transfer.',
    });
    await mallory.send(ClientEvent.FileFetch, {
      transferId: randomUUID(),
      from: 0,
    });
    expect(await mallory.nextError(ClientEvent.FileFetch)).toMatchObject({
      message: 'No such file transfer.',
    });
    await bob.send(ClientEvent.FileFetch, { transferId: secret, from: 0 });
    expect((await bob.nextError(ClientEvent.FileFetch)).message).toContain(
      'Accept the file',
    );
    await sleep(100);
    expect(mallory.all(ServerEvent.FileData)).toHaveLength(0);

    // a rejected private file is gone for good
    await bob.send(ClientEvent.FileAnswer, {
      transferId: secret,
      accept: false,
    });
    await alice.next(ServerEvent.FileAnswered);
    await bob.send(ClientEvent.FileFetch, { transferId: secret, from: 0 });
    expect(await bob.nextError(ClientEvent.FileFetch)).toMatchObject({
      code: ErrorCode.NotFound,
    });
    expect(added()).toEqual([]);
  });

  it('a chunk with a flipped bit is refused and a correct resend continues the transfer', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const bytes = randomBytes(Limits.fileChunkBytes + 100);
    const transferId = await upload(alice, bytes, { stopAfter: 1 });
    alice.tamperNext((event, envelope) => {
      const box = new Uint8Array(envelope.box);
      box[100] ^= 1;
      return [event, { ...envelope, box }];
    });
    const { sealed } = await sealedOffer(bytes, { transferId });
    await alice.send(ClientEvent.FileChunk, {
      transferId,
      index: 1,
      data: sealed.chunks[1],
    });
    expect(await alice.nextError()).toMatchObject({
      code: ErrorCode.DecryptFailed,
    });
    // the client's channel is out of step after a lost frame: it re-keys by reconnecting, resumes, and re-offers
    alice.socket.io.engine.close();
    await alice.until(() => alice.readyCount === 2, 're-key');
    await alice.send(ClientEvent.SessionResume, { token: alice.resumeToken! });
    await alice.next(ServerEvent.SessionJoined, (j) => j.resumed);
    await upload(alice, bytes, { transferId });
    const offer = await bob.next(ServerEvent.FileOffered);
    expect((await download(bob, offer)).equals(bytes)).toBe(true);
  });

  it('R37: a connection dropped mid-upload and mid-download resumes where it stopped, SHA-256 still checked', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const bytes = randomBytes(200 * Limits.fileChunkBytes + 7);
    const transferId = await upload(alice, bytes, { stopAfter: 120 });
    alice.socket.io.engine.close();
    await alice.until(() => alice.readyCount === 2, 'reconnect');
    await alice.send(ClientEvent.SessionResume, { token: alice.resumeToken! });
    await alice.next(ServerEvent.SessionJoined, (j) => j.resumed);
    await upload(alice, bytes, { transferId });
    const progress = alice
      .all(ServerEvent.FileUploadProgress)
      .filter((p) => p.transferId === transferId);
    expect(progress.find((p) => p.nextIndex === 120)).toBeDefined();
    expect(progress.filter((p) => p.nextIndex === 0)).toHaveLength(1);

    const offer = await bob.next(ServerEvent.FileOffered);
    await bob.send(ClientEvent.FileAnswer, { transferId, accept: true });
    await bob.send(ClientEvent.FileFetch, { transferId, from: 0 });
    const first: Uint8Array[] = [];
    for (let index = 0; index < 80; index++) {
      first.push(
        (
          await bob.next(
            ServerEvent.FileData,
            (c) => c.transferId === transferId && c.index === index,
          )
        ).data,
      );
    }
    bob.socket.io.engine.close();
    await bob.until(() => bob.readyCount === 2, 'reconnect');
    await bob.send(ClientEvent.SessionResume, { token: bob.resumeToken! });
    await bob.next(ServerEvent.SessionJoined, (j) => j.resumed);
    const received = await download(bob, offer, 80, first);
    expect(received.equals(bytes)).toBe(true);
  }, 60_000);

  it('works over HTTP long-polling too: a base64-encoded 48 KB chunk fits the frame limit', async () => {
    const alice = await room.connect({ transports: ['polling'] });
    await alice.requestLogin('polly');
    await alice.next(ServerEvent.SessionJoined);
    const bob = await room.login('bob');
    const bytes = randomBytes(3 * Limits.fileChunkBytes + 1);
    await upload(alice, bytes);
    const offer = await bob.next(ServerEvent.FileOffered);
    expect((await download(bob, offer)).equals(bytes)).toBe(true);
    expect(alice.socket.connected).toBe(true);
  });

  it('either side can cancel: the recipient stops their download, the sender ends it for everyone', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const carol = await room.login('carol');
    const bytes = randomBytes(4 * Limits.fileChunkBytes);
    const transferId = await upload(alice, bytes);
    await bob.next(ServerEvent.FileOffered);
    await carol.next(ServerEvent.FileOffered);

    await bob.send(ClientEvent.FileAnswer, { transferId, accept: true });
    await bob.send(ClientEvent.FileCancel, { transferId });
    expect(
      await alice.next(
        ServerEvent.FileAnswered,
        (a) => a.by === 'bob' && !a.accepted,
      ),
    ).toBeDefined();

    await alice.send(ClientEvent.FileCancel, { transferId });
    expect(await carol.next(ServerEvent.FileEnded)).toMatchObject({
      transferId,
      reason: 'cancelled',
    });
    await carol.send(ClientEvent.FileAnswer, { transferId, accept: true });
    expect(await carol.nextError(ClientEvent.FileAnswer)).toMatchObject({
      code: ErrorCode.NotFound,
    });
    expect(added()).toEqual([]);
    expect(
      (await auditRows(server(), 'file_cancelled')).at(-1)!.detail,
    ).toContain(transferId);
  });

  it('removes orphaned file data left by an earlier run when the server starts', async () => {
    const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
    const dir = join(
      server().config.files.dir,
      '..',
      `orphans-${randomUUID()}`,
    );
    const orphan = join(dir, randomUUID());
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, '0.chunk'), 'left over');
    const other = await startServer({ FILES_DIR: dir });
    try {
      expect(existsSync(orphan)).toBe(false);
      expect((await auditRows(other, 'files_swept'))[0].detail).toContain(
        '"orphans":1',
      );
    } finally {
      await other.close();
    }
  });

  it('a private file to someone offline is refused with a notice, like a private message', async () => {
    const alice = await room.login('alice');
    const { offer } = await sealedOffer(Buffer.from('abc'), { to: 'ghost' });
    await alice.send(ClientEvent.FileOffer, offer);
    expect(await alice.nextError(ClientEvent.FileOffer)).toMatchObject({
      code: ErrorCode.RecipientUnavailable,
    });
  });
});

describe('file downloads to a slow reader (default TTL)', () => {
  const slowRoom = useChatRoom();

  it('L34: a recipient who stops reading holds up only their own download, which resumes when they read again', async () => {
    const alice = await slowRoom.login('alice');
    const bob = await slowRoom.login('bob');
    const carol = await slowRoom.login('carol');
    const bytes = randomBytes(20 * MB);
    const transferId = await upload(alice, bytes);
    const offer = await bob.next(ServerEvent.FileOffered);
    await bob.send(ClientEvent.FileAnswer, { transferId, accept: true });
    await bob.send(ClientEvent.FileFetch, { transferId, from: 0 });
    // stop reading bob's TCP socket: the kernel buffers fill and the server must wait, not queue 20 MB
    const tcp = (
      bob.socket.io.engine.transport as unknown as {
        ws: { _socket: { pause(): void; resume(): void } };
      }
    ).ws._socket;
    tcp.pause();
    await sleep(1500);
    const downloaded = await auditRows(slowRoom.server, 'file_downloaded');
    expect(
      downloaded.filter((row) => row.detail.includes(transferId)),
    ).toHaveLength(0);
    // everyone else is unaffected meanwhile
    await alice.send(ClientEvent.MessageSend, {
      clientId: 'l34',
      text: 'still chatting',
    });
    await carol.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'still chatting',
    );
    tcp.resume();
    const chunks: Uint8Array[] = [];
    for (let index = 0; index < offer.chunkCount; index++) {
      chunks.push(
        (
          await bob.next(
            ServerEvent.FileData,
            (c) => c.transferId === transferId && c.index === index,
            20_000,
          )
        ).data,
      );
    }
    expect(sha256(Buffer.concat(chunks))).toBe(offer.sha256);
  }, 60_000);
});

describe('abandoned uploads (2-second TTL)', () => {
  const shortRoom = useChatRoom({ FILE_TTL_SECONDS: '2' });

  it('F25: unfinished uploads per user are capped, and abandoned ones are swept with their data', async () => {
    const alice = await shortRoom.login('alice');
    await shortRoom.login('bob');
    const bytes = randomBytes(2 * Limits.fileChunkBytes);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(await upload(alice, bytes, { stopAfter: 1 }));
    await alice.send(ClientEvent.FileOffer, (await sealedOffer(bytes)).offer);
    expect(await alice.nextError(ClientEvent.FileOffer)).toMatchObject({
      code: ErrorCode.RateLimited,
    });
    expect(readdirSync(shortRoom.server.config.files.dir)).toHaveLength(3);

    for (const id of ids) {
      expect(
        await alice.next(
          ServerEvent.FileEnded,
          (e) => e.transferId === id,
          6000,
        ),
      ).toMatchObject({ reason: 'expired' });
    }
    expect(readdirSync(shortRoom.server.config.files.dir)).toEqual([]);
    expect(
      (await auditRows(shortRoom.server, 'file_swept')).length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('stored-bytes quotas (F42) and recipients by session (F46)', () => {
  // every test client connects from 127.0.0.1: one address
  const room = useChatRoom({
    FILES_USER_QUOTA_MB: '1',
    FILES_ADDRESS_QUOTA_MB: '1',
  });
  const offerOf = async (bytes: Uint8Array, to?: string) =>
    (await sealedOffer(bytes, { to })).offer;
  const bytes = randomBytes(600 * 1024);

  it('F42: a finished file nobody fetches counts against its sender and the sender’s address; an offer over quota is refused before any chunk', async () => {
    const alice = await room.login('alice');
    const alice2 = await room.login('alice2');
    const bob = await room.login('bob');
    // a finished private offer nobody answers keeps its bytes on the server
    await upload(alice, bytes, { to: 'bob' });
    await bob.next(ServerEvent.FileOffered);
    await alice.send(ClientEvent.FileOffer, await offerOf(bytes, 'bob'));
    const own = await alice.nextError(ClientEvent.FileOffer);
    expect(own).toMatchObject({ code: ErrorCode.QuotaExceeded, field: 'size' });
    expect(own.message).toMatch(/exceed 1 MB/);
    // a second name from the same address shares the address quota
    await alice2.send(ClientEvent.FileOffer, await offerOf(bytes, 'bob'));
    expect((await alice2.nextError(ClientEvent.FileOffer)).message).toMatch(
      /from your network/,
    );
    // nothing of the refused offers reached the disk or the recipient
    expect(readdirSync(room.server.config.files.dir)).toHaveLength(1);
    await sleep(100);
    expect(bob.all(ServerEvent.FileOffered)).toHaveLength(1);
  });

  it('F42: the server-wide quota and the disk floor refuse offers', async () => {
    for (const [env, refusal] of [
      [{ FILES_TOTAL_QUOTA_MB: '1' }, /holds as many files/],
      [{ FILES_MIN_FREE_MB: '10000000' }, /low on disk space/],
    ] as const) {
      const server = await startServer(env);
      try {
        const alice = await ChatClient.login(server.url, 'alice');
        const bob = await ChatClient.login(server.url, 'bob');
        if ('FILES_TOTAL_QUOTA_MB' in env)
          await upload(bob, bytes, { to: 'alice' });
        await alice.send(ClientEvent.FileOffer, await offerOf(bytes, 'bob'));
        expect((await alice.nextError(ClientEvent.FileOffer)).message).toMatch(
          refusal,
        );
        alice.close();
        bob.close();
      } finally {
        await server.close();
      }
    }
  });

  it('F46: a recipient who leaves mid-upload is not replaced by the next holder of the name', async () => {
    const alice = await room.login('alice');
    const bob = await room.login('bob');
    const small = randomBytes(3 * Limits.fileChunkBytes);
    const transferId = await upload(alice, small, { to: 'bob', stopAfter: 1 });
    await bob.send(ClientEvent.SessionLogout, {});
    await alice.next(ServerEvent.UserLeft, (u) => u.username === 'bob');
    const impostor = await room.login('bob');
    await upload(alice, small, { transferId, to: 'bob' });
    await alice.until(
      () =>
        alice
          .all(ServerEvent.FileUploadProgress)
          .some((p) => p.transferId === transferId && p.verified),
      'verified',
    );
    await sleep(200);
    expect(impostor.all(ServerEvent.FileOffered)).toEqual([]);
    await impostor.send(ClientEvent.FileAnswer, { transferId, accept: true });
    expect(await impostor.nextError(ClientEvent.FileAnswer)).toMatchObject({
      code: ErrorCode.NotFound,
    });
  });
});
