/** `file:offer`: announce a file before any byte of it is sent (also how an upload resumes). */
export interface FileOfferPayload {
  /** Client-generated UUID naming this transfer in every later event. */
  transferId: string;
  name: string;
  size: number;
  /** MIME type as the browser reported it. */
  type: string;
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  chunkCount: number;
  /** One recipient for a private file; absent: everyone online. */
  to?: string;
}

/** `file:chunk` (client → server) and `file:data` (server → client): one sealed chunk. */
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

/** `file:offered`: a verified file a recipient may accept or reject. */
export interface FileOfferedPayload {
  transferId: string;
  from: string;
  /** The recipient of a private file; null for everyone. */
  to: string | null;
  name: string;
  size: number;
  type: string;
  sha256: string;
  chunkCount: number;
  at: string;
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
