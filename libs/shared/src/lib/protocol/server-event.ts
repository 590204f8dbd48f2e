/** Facts the server reports. All but `session:ready` (the handshake answer) are sealed. */
export const ServerEvent = {
  SessionReady: 'session:ready',
  SessionJoined: 'session:joined/v2',
  /** A page of the user list, asked for with `users:page`. */
  UsersPage: 'users:page',
  /** The room key of the current epoch, to a member alone (see room-frame.ts). */
  RoomKey: 'room:key',
  /** On the wire: a batch of joins and leaves, in order (see `PresencePayload`). */
  Presence: 'presence',
  /** Not on the wire: the shared client hands each change of a `presence` batch on as one of these. */
  UserJoined: 'user:joined',
  UserLeft: 'user:left',
  MessageCreated: 'message:created',
  MessageHistory: 'message:history',
  /** The catch-up skipped older messages: only the newest were sent (L48). */
  MessageHistoryTruncated: 'message:history-truncated',
  PrivateMessageCreated: 'private-message:created',
  /** Someone is typing in the room, or to me. */
  UserTyping: 'user:typing',
  ReactionUpdated: 'reaction:updated',
  Exception: 'exception',
  FileUploadProgress: 'file:upload-progress',
  FileOffered: 'file:offered/v2',
  FileAnswered: 'file:answered',
  FileData: 'file:data',
  FileEnded: 'file:ended',
  AuditCheckpoint: 'audit:checkpoint',
  /** The key package a `e2e:key-package-claim` asked for. */
  KeyPackage: 'e2e:key-package',
  /** To a member: few of their key packages are left; publish more (E73). */
  KeyPackagesLow: 'e2e:key-packages-low',
} as const;

export type ServerEvent = (typeof ServerEvent)[keyof typeof ServerEvent];
