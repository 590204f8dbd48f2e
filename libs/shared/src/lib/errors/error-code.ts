/** Every error a client can be told about. Messages are for people; codes are for code. */
export const ErrorCode = {
  HandshakeFailed: 'handshake_failed',
  OriginForbidden: 'origin_forbidden',
  HostForbidden: 'host_forbidden',
  DecryptFailed: 'decrypt_failed',
  UnknownEvent: 'unknown_event',
  InvalidPayload: 'invalid_payload',
  NotLoggedIn: 'not_logged_in',
  AlreadyLoggedIn: 'already_logged_in',
  UsernameInvalid: 'username_invalid',
  UsernameReserved: 'username_reserved',
  UsernameTaken: 'username_taken',
  /** The name belongs to another browser's identity key (E60). */
  NameOwned: 'name_owned',
  /** A login's identity proof did not verify. */
  IdentityInvalid: 'identity_invalid',
  /** This identity key already holds as many names as one key may (A71). */
  NameLimit: 'name_limit',
  /** This address claimed as many new names today as one address may (A71). */
  NewNamesLimited: 'new_names_limited',
  ResumeFailed: 'resume_failed',
  MessageTooLong: 'message_too_long',
  MessageEmpty: 'message_empty',
  RecipientUnavailable: 'recipient_unavailable',
  /** No end-to-end key package of that person can be had now. */
  KeyPackageUnavailable: 'key_package_unavailable',
  FileTooLarge: 'file_too_large',
  QuotaExceeded: 'quota_exceeded',
  Unavailable: 'unavailable',
  Unauthorized: 'unauthorized',
  RateLimited: 'rate_limited',
  Kicked: 'kicked',
  NotFound: 'not_found',
  Internal: 'internal',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
