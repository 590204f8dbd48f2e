/** Commands a client sends. Every one of them travels inside a sealed envelope. */
export const ClientEvent = {
  SessionLogin: 'session:login',
  SessionResume: 'session:resume',
  SessionLogout: 'session:logout',
  /** The next page of the user list (the welcome carries the first). */
  UsersPage: 'users:page',
  MessageSend: 'message:send',
  PrivateMessageSend: 'private-message:send',
  /** The user is typing, to the room or to one person (not stored, not audited). */
  Typing: 'typing',
  ReactionSend: 'reaction:send',
  /** v2: files sealed by their sender (the v1 offer carried plaintext chunks and is gone). */
  FileOffer: 'file:offer/v2',
  FileChunk: 'file:chunk',
  FileAnswer: 'file:answer',
  FileFetch: 'file:fetch',
  FileCancel: 'file:cancel',
  /** Publish end-to-end key packages (at login); claim one of someone else's. */
  KeyPackagesPublish: 'e2e:key-packages',
  KeyPackageClaim: 'e2e:key-package-claim',
} as const;

export type ClientEvent = (typeof ClientEvent)[keyof typeof ClientEvent];

const CLIENT_EVENTS: readonly string[] = Object.values(ClientEvent);

export function isClientEvent(name: unknown): name is ClientEvent {
  return typeof name === 'string' && CLIENT_EVENTS.includes(name);
}
