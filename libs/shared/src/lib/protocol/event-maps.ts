import type { SealedEnvelope, WireEnvelope } from '../crypto/envelope';
import type { WireRoomEnvelope } from '../crypto/room-frame';
import type { ExceptionPayload } from '../errors/error-payload';
import type { ClientEvent } from './client-event';
import type { AuditCheckpointPayload } from './payloads/audit.payload';
import type {
  KeyPackageClaimPayload,
  KeyPackagePayload,
  KeyPackagesLowPayload,
  KeyPackagesPayload,
} from './payloads/e2ee.payload';
import type {
  FileAnswerPayload,
  FileAnsweredPayload,
  FileCancelPayload,
  FileChunkPayload,
  FileEndedPayload,
  FileFetchPayload,
  FileOfferPayload,
  FileOfferedPayload,
  FileUploadProgressPayload,
} from './payloads/file.payload';
import type { SessionReadyPayload } from './payloads/handshake.payload';
import type {
  MessageHistoryPayload,
  MessageHistoryTruncatedPayload,
  MessagePayload,
  PrivateMessagePayload,
  SendMessagePayload,
  SendPrivateMessagePayload,
  TypingPayload,
  UserTypingPayload,
} from './payloads/message.payload';
import type {
  ReactPayload,
  ReactionPayload,
} from './payloads/reaction.payload';
import type {
  LoginPayload,
  LogoutPayload,
  ResumePayload,
  RoomKeyPayload,
  SessionJoinedPayload,
  PresencePayload,
  UserJoinedPayload,
  UserLeftPayload,
  UsersPagePayload,
  UsersPageRequest,
} from './payloads/session.payload';
import type { ServerEvent } from './server-event';

/** Plaintext payload of each client command (what is inside its envelope). */
export interface ClientEventMap {
  [ClientEvent.SessionLogin]: LoginPayload;
  [ClientEvent.SessionResume]: ResumePayload;
  [ClientEvent.SessionLogout]: LogoutPayload;
  [ClientEvent.UsersPage]: UsersPageRequest;
  [ClientEvent.MessageSend]: SendMessagePayload;
  [ClientEvent.PrivateMessageSend]: SendPrivateMessagePayload;
  [ClientEvent.Typing]: TypingPayload;
  [ClientEvent.ReactionSend]: ReactPayload;
  [ClientEvent.FileOffer]: FileOfferPayload;
  [ClientEvent.FileChunk]: FileChunkPayload;
  [ClientEvent.FileAnswer]: FileAnswerPayload;
  [ClientEvent.FileFetch]: FileFetchPayload;
  [ClientEvent.FileCancel]: FileCancelPayload;
  [ClientEvent.KeyPackagesPublish]: KeyPackagesPayload;
  [ClientEvent.KeyPackageClaim]: KeyPackageClaimPayload;
}

/** Plaintext payload of each sealed server event. */
export interface ServerEventMap {
  [ServerEvent.SessionJoined]: SessionJoinedPayload;
  [ServerEvent.UsersPage]: UsersPagePayload;
  [ServerEvent.RoomKey]: RoomKeyPayload;
  [ServerEvent.Presence]: PresencePayload;
  [ServerEvent.UserJoined]: UserJoinedPayload;
  [ServerEvent.UserLeft]: UserLeftPayload;
  [ServerEvent.MessageCreated]: MessagePayload;
  [ServerEvent.MessageHistory]: MessageHistoryPayload;
  [ServerEvent.MessageHistoryTruncated]: MessageHistoryTruncatedPayload;
  [ServerEvent.PrivateMessageCreated]: PrivateMessagePayload;
  [ServerEvent.UserTyping]: UserTypingPayload;
  [ServerEvent.ReactionUpdated]: ReactionPayload;
  [ServerEvent.Exception]: ExceptionPayload;
  [ServerEvent.AuditCheckpoint]: AuditCheckpointPayload;
  [ServerEvent.KeyPackage]: KeyPackagePayload;
  [ServerEvent.KeyPackagesLow]: KeyPackagesLowPayload;
  [ServerEvent.FileUploadProgress]: FileUploadProgressPayload;
  [ServerEvent.FileOffered]: FileOfferedPayload;
  [ServerEvent.FileAnswered]: FileAnsweredPayload;
  [ServerEvent.FileData]: FileChunkPayload;
  [ServerEvent.FileEnded]: FileEndedPayload;
}

export type SealedServerEvent = keyof ServerEventMap;

/** What Socket.IO carries for each client command: one envelope. */
export type ClientToServerEvents = {
  [E in keyof ClientEventMap]: (envelope: SealedEnvelope) => void;
};

/**
 * What Socket.IO carries from the server: envelopes (for the room's events, room frames too),
 * plus the plaintext handshake answer.
 */
export type ServerToClientEvents = {
  [E in keyof ServerEventMap]: (
    envelope: WireEnvelope | WireRoomEnvelope,
  ) => void;
} & {
  [ServerEvent.SessionReady]: (payload: SessionReadyPayload) => void;
};
