import type { FileSecret } from '../../crypto/file-cipher';
import type { E2eePayload } from './e2ee.payload';

/**
 * `file:offer/v2`: announce a file before any byte of it is sent (also how an upload resumes).
 * The sender has sealed it (`file-cipher.ts`): the server sees sizes, never the content, and for
 * a private file not even its name.
 */
export interface FileOfferPayload {
  /** Client-generated UUID naming this transfer in every later event. */
  transferId: string;
  /** Bytes of the file's content; chunk i of it is `sealedChunkBytes(size, i)` on the wire. */
  size: number;
  chunkCount: number;
  /** SHA-256 of the sealed chunks in order, hex: verified before anyone is offered the file. */
  sha256: string;
  /** One recipient for a private file; absent: everyone online. */
  to?: string;
  /** A public file: its secret in the clear, as readable as a public message. */
  file?: FileSecret;
  /** A private file: its secret in an MLS message of the conversation with `to` (kind `file`). */
  e2ee?: E2eePayload;
}

/** `file:chunk` (client → server) and `file:data` (server → client): one chunk as its sender sealed it. */
export interface FileChunkPayload {
  transferId: string;
  index: number;
  data: Uint8Array;
}

/** `file:answer`: a recipient accepts or rejects an offer. */
export interface FileAnswerPayload {
  transferId: string;
  accept: boolean;
}

/** `file:fetch`: an accepted recipient asks for the chunks from `from` on (start or resume). */
export interface FileFetchPayload {
  transferId: string;
  from: number;
}

/** `file:cancel`: the sender stops the transfer for everyone; a recipient stops their download. */
export interface FileCancelPayload {
  transferId: string;
}

/** `file:upload-progress`: the chunks the server holds; `nextIndex` is where to go on. */
export interface FileUploadProgressPayload {
  transferId: string;
  nextIndex: number;
  chunkCount: number;
  /** Every chunk arrived and the SHA-256 matched: the file has been offered. */
  verified: boolean;
}

/** `file:offered/v2`: a verified file a recipient may accept or reject. */
export interface FileOfferedPayload {
  transferId: string;
  from: string;
  /** The recipient of a private file; null for everyone. */
  to: string | null;
  size: number;
  chunkCount: number;
  /** SHA-256 of the sealed chunks, as the server verified it. */
  sha256: string;
  at: string;
  /** As offered: exactly one of the two. */
  file?: FileSecret;
  e2ee?: E2eePayload;
}

/** `file:answered`: tells the sender who accepted or rejected. */
export interface FileAnsweredPayload {
  transferId: string;
  by: string;
  accepted: boolean;
}

export type FileEndReason =
  | 'sha256_mismatch'
  | 'cancelled'
  | 'expired'
  | 'sender_left';

/** `file:ended`: the transfer is over for this client without a file. */
export interface FileEndedPayload {
  transferId: string;
  reason: FileEndReason;
  message: string;
}
