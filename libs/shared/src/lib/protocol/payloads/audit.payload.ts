/** One audit event as the admin API returns it. `detail` never holds secrets or private text. */
export interface AuditEventPayload {
  id: number;
  /** ISO 8601. */
  at: string;
  type: string;
  actor: string | null;
  target: string | null;
  detail: Record<string, unknown>;
  /** SHA-256 chain hash of this row (hex). */
  hash: string;
}

/** `GET /api/admin/logs`: newest first; pass `nextBefore` as `before` for the next page. */
export interface AuditLogPagePayload {
  events: AuditEventPayload[];
  nextBefore: number | null;
}

/**
 * A signed statement of the chain head: the server's RSA key (RSA-PSS, SHA-256) over
 * `["fuv-audit-checkpoint/v1", lastId, hash, count, at]`. Also `audit:checkpoint` to clients.
 */
export interface AuditCheckpointPayload {
  id: number;
  lastId: number;
  hash: string;
  count: number;
  at: string;
  /** Base64 signature. */
  signature: string;
}

export interface ChainProblemPayload {
  id: number;
  problem: string;
  message: string;
}

/** `GET /api/admin/logs/verify` and `npm run audit:verify`. */
export interface ChainReportPayload {
  intact: boolean;
  rowsChecked: number;
  /** The chain is intact from row 1 up to this row. */
  verifiedUpTo: number;
  /** The first row where the chain breaks, if it does. */
  firstBreak?: ChainProblemPayload;
  checkpointsChecked: number;
  checkpointProblems: ChainProblemPayload[];
  elapsedMs: number;
}

/** `GET /api/admin/users`: who is online, never keys. */
export interface AdminUserPayload {
  username: string;
  since: string;
  /** Salted hash of the client address; the address itself is not kept. */
  address: string | null;
  connected: boolean;
}
