import { createHash, randomUUID } from 'node:crypto';

import {
  ClientEvent,
  type FileOfferedPayload,
  Limits,
  ServerEvent,
  chunkCountFor,
} from '@app/shared';

import type { ChatClient } from '@app/testing';

export const sha256 = (bytes: Uint8Array) =>
  createHash('sha256').update(bytes).digest('hex');

export interface UploadOptions {
  to?: string;
  name?: string;
  transferId?: string;
  /** Stop after sending this many chunks (to simulate a drop). */
  stopAfter?: number;
}

/** Offers a file and sends its chunks one by one, each after the server acknowledged the last. */
export async function upload(
  client: ChatClient,
  bytes: Uint8Array,
  options: UploadOptions = {},
): Promise<string> {
  const transferId = options.transferId ?? randomUUID();
  const chunkCount = chunkCountFor(bytes.length);
  await client.send(ClientEvent.FileOffer, {
    transferId,
    name: options.name ?? 'random.bin',
    size: bytes.length,
    type: 'application/octet-stream',
    sha256: sha256(bytes),
    chunkCount,
    ...(options.to ? { to: options.to } : {}),
  });
  let { nextIndex } = await client.next(
    ServerEvent.FileUploadProgress,
    (p) => p.transferId === transferId,
  );
  let sent = 0;
  while (nextIndex < chunkCount) {
    if (options.stopAfter !== undefined && sent >= options.stopAfter)
      return transferId;
    const start = nextIndex * Limits.fileChunkBytes;
    await client.send(ClientEvent.FileChunk, {
      transferId,
      index: nextIndex,
      data: bytes.subarray(start, start + Limits.fileChunkBytes),
    });
    sent++;
    ({ nextIndex } = await client.next(
      ServerEvent.FileUploadProgress,
      (p) => p.transferId === transferId,
    ));
  }
  return transferId;
}

/** Accepts an offer and collects every chunk (from `from` on), in order. */
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
  const chunks = [...already];
  for (let index = from; index < offer.chunkCount; index++) {
    const chunk = await client.next(
      ServerEvent.FileData,
      (c) => c.transferId === offer.transferId && c.index === index,
      10_000,
    );
    chunks.push(chunk.data);
  }
  return Buffer.concat(chunks);
}
