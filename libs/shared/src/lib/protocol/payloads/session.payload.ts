/**
 * Proof that the login comes from the holder of an identity key: its ECDSA P-256 signature over
 * this connection's handshake transcript and the requested name (`identityProofBytes`).
 */
export interface IdentityProofPayload {
  /** Base64 DER SubjectPublicKeyInfo of the identity key. */
  key: string;
  /** Base64 IEEE P1363 signature (r || s). */
  signature: string;
}

/** `session:login`: claim a username for this connection. */
export interface LoginPayload {
  username: string;
  /** The name belongs to the first identity key that logs in with it; later logins prove it. */
  identity: IdentityProofPayload;
  /** Id of the last public message this client holds: the server sends every later one. */
  lastMessageId?: number;
}

/** `session:resume`: take back the name held for us after a dropped connection. */
export interface ResumePayload {
  token: string;
  /** As in `session:login`: the catch-up starts after this public message. */
  lastMessageId?: number;
}

/** `session:logout`: leave at once, releasing the name. */
export type LogoutPayload = Record<string, never>;

/** One online user as everyone sees them. */
export interface UserPayload {
  username: string;
  /** ISO 8601 time the user joined. */
  since: string;
}

/**
 * `session:joined/v2`: the login (or resume) succeeded. v2 carries the first page of the user
 * list and the count (v1 carried the whole list: filling a room was quadratic).
 */
export interface SessionJoinedPayload {
  username: string;
  /** Secret that reclaims the name within the grace period; keep it in memory only. */
  resumeToken: string;
  /** Milliseconds the name is held after a dropped connection. */
  graceMs: number;
  resumed: boolean;
  /** The first `Limits.userPageSize` users in `compareUsernames` order. */
  users: UserPayload[];
  /** More users follow the last of `users`: ask with `users:page`. */
  more: boolean;
  /** How many are online (the joins and leaves that follow keep the count). */
  online: number;
}

/**
 * `users:page`: the next users of the list after `after` (a username; '' for the start), and
 * with `filter`, only those whose name contains it (case-insensitively).
 */
export interface UsersPageRequest {
  after: string;
  filter?: string;
}

/** The answer to `users:page`: the request it answers, the users, whether more follow. */
export interface UsersPagePayload extends UsersPageRequest {
  users: UserPayload[];
  more: boolean;
}

export interface UserJoinedPayload {
  user: UserPayload;
  at: string;
}

/**
 * `logout`: the user left; `timeout`: the connection dropped and the grace period ended;
 * `kicked`: an administrator removed the user.
 */
export type LeaveReason = 'logout' | 'timeout' | 'kicked';

export interface UserLeftPayload {
  username: string;
  at: string;
  reason: LeaveReason;
}

/** One change of who is in the room. */
export type PresenceChange =
  | { joined: UserJoinedPayload }
  | { left: UserLeftPayload };

/**
 * Joins and leaves, in the order they happened, gathered for a moment and sent together: a
 * thousand people arriving cost each client a few frames, not a thousand. A client is sent
 * only the changes after the user list its `session:joined` carried.
 */
export interface PresencePayload {
  changes: PresenceChange[];
}

/**
 * A member's grant of the room key (over its own session channel): frames of `epoch` from
 * sequence number `seq` on are its to open. Never shown to the app, never logged.
 */
export interface RoomKeyPayload {
  epoch: number;
  /** The 32-byte AES-256-GCM key, base64. */
  key: string;
  seq: number;
}
