import type { UnsignedTreeHead } from '../../transparency/key-log';

/** `GET /api/transparency/head`: the latest tree head, signed by the server key. */
export interface TreeHeadPayload extends UnsignedTreeHead {
  /** RSA-PSS-SHA256 over `treeHeadBytes`, base64. */
  signature: string;
}

/** `GET /api/transparency/proof`: a name's latest binding and its audit path. */
export interface InclusionProofPayload {
  index: number;
  size: number;
  /** The leaf's exact bytes, base64. */
  leaf: string;
  /** Lowercase hex, nearest sibling first. */
  path: string[];
}

/** `GET /api/transparency/consistency`. */
export interface ConsistencyProofPayload {
  from: number;
  to: number;
  /** Lowercase hex. */
  path: string[];
}

/** `GET /api/transparency/entries`: leaves, base64, in index order. */
export interface LogEntriesPayload {
  entries: string[];
}

/** Most leaves one `entries` page carries. */
export const LOG_ENTRIES_PAGE = 1000;
