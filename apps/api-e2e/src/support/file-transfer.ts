import { createHash, randomBytes, randomUUID } from 'node:crypto';

import {
  ClientEvent,
  type E2eePayload,
  type FileOfferPayload,
  type FileOfferedPayload,
  FileOpener,
  type SealedFile,
  ServerEvent,
  sealFile,
} from '@app/shared';
import { e2eePayload } from '@app/shared/e2ee';

import { type ChatClient, nodeFileCrypto } from '@app/testing';

export const sha256 = (bytes: Uint8Array) =>
  createHash('sha256').update(bytes).digest('hex');

export interface UploadOptions {
  to?: string;
  name?: string;
  transferId?: string;
  /**
   * A private file's secret as its MLS message (kind `file`). The server relays it unread, so
   * where only the transfer is under test a stand-in of the same shape serves.
   */
  e2ee?: E2eePayload;
  /** Stop after sending this many chunks (to simulate a drop). */
  stopAfter?: number;
}

/** Files these tests sealed, by transfer id: a resumed upload resends the same boxes. */
const sealedFiles = new Map<string, SealedFile>();

/** The secret of a file sealed here: what the MLS message (or the public offer) carries. */
export function secretOf(transferId: string) {
  const sealed = sealedFiles.get(transferId);
  if (!sealed) throw new Error(`no file sealed for ${transferId}`);
  return sealed.secret;
}

/** An MLS-shaped stand-in for a private file's secret (the server cannot tell it apart). */
export const standInE2ee = (): E2eePayload =>
  e2eePayload('file', randomBytes(16), randomBytes(300));

/** Seals `bytes` as a browser would and builds the offer for it. */
export async function sealedOffer(
  bytes: Uint8Array,
  options: UploadOptions = {},
): Promise<{ offer: FileOfferPayload; sealed: SealedFile }> {
  const transferId = options.transferId ?? randomUUID();
  let sealed = sealedFiles.get(transferId);
  if (!sealed) {
    // sealed on node:crypto, opened (`openChunks`) on Web Crypto: every file test also checks
    // that the two implementations of the format agree
    sealed = await sealFile(
      bytes,
      transferId,
      options.name ?? 'random.bin',
      'application/octet-stream',
      nodeFileCrypto,
    );
    sealedFiles.set(transferId, sealed);
  }
  const offer: FileOfferPayload = {
    transferId,
    size: bytes.length,
    chunkCount: sealed.chunks.length,
    sha256: sealed.sealedSha256,
    ...(options.to
      ? { to: options.to, e2ee: options.e2ee ?? standInE2ee() }
      : { file: sealed.secret }),
  };
  return { offer, sealed };
}

/** Offers a file and sends its sealed chunks one by one, each after the server acknowledged the last. */
export async function upload(
  client: ChatClient,
  bytes: Uint8Array,
  options: UploadOptions = {},
): Promise<string> {
  const { offer, sealed } = await sealedOffer(bytes, options);
  const { transferId } = offer;
  await client.send(ClientEvent.FileOffer, offer);
  let { nextIndex } = await client.next(
    ServerEvent.FileUploadProgress,
    (p) => p.transferId === transferId,
  );
  let sent = 0;
  while (nextIndex < sealed.chunks.length) {
    if (options.stopAfter !== undefined && sent >= options.stopAfter)
      return transferId;
    await client.send(ClientEvent.FileChunk, {
      transferId,
      index: nextIndex,
      data: sealed.chunks[nextIndex],
    });
    sent++;
    ({ nextIndex } = await client.next(
      ServerEvent.FileUploadProgress,
      (p) => p.transferId === transferId,
    ));
  }
  return transferId;
}

/** The sealed chunks from `from` on, in order, as the server streams them. */
export async function receiveChunks(
  client: ChatClient,
  offer: FileOfferedPayload,
  from = 0,
): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for (let index = from; index < offer.chunkCount; index++) {
    const chunk = await client.next(
      ServerEvent.FileData,
      (c) => c.transferId === offer.transferId && c.index === index,
      20_000,
    );
    chunks.push(chunk.data);
  }
  return chunks;
}

/** Opens sealed chunks with the file's secret (from the offer, or as its MLS message gave it). */
export async function openChunks(
  offer: FileOfferedPayload,
  boxes: Uint8Array[],
): Promise<Buffer> {
  const secret = offer.file ?? secretOf(offer.transferId);
  const opener = await FileOpener.for(
    secret,
    offer.transferId,
    offer.chunkCount,
  );
  return Buffer.from(await opener.openAll(boxes));
}

/** Accepts an offer, collects every sealed chunk (from `from` on) and opens the file. */
export async function download(
  client: ChatClient,
  offer: FileOfferedPayload,
  from = 0,
  already: Uint8Array[] = [],
): Promise<Buffer> {
  if (from === 0)
    await client.send(ClientEvent.FileAnswer, {
      transferId: offer.transferId,
      accept: true,
    });
  await client.send(ClientEvent.FileFetch, {
    transferId: offer.transferId,
    from,
  });
  const boxes = [...already, ...(await receiveChunks(client, offer, from))];
  expect(sha256(Buffer.concat(boxes))).toBe(offer.sha256);
  return openChunks(offer, boxes);
}
