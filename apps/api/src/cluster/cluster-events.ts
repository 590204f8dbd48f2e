import type {
  ReactionPayload,
  FileEndReason,
  FileOfferedPayload,
  LeaveReason,
  MessagePayload,
  PrivateMessagePayload,
} from '@app/shared';

/** `kick`: removed for a while; `release`: the name was taken from the user's identity key. */
export type Removal = 'kick' | 'release';

/** A member held by another instance, as the others see it. */
export interface RemoteMember {
  sessionId: string;
  username: string;
  /** Folded name (uniqueness key). */
  key: string;
  since: string;
  instance: string;
  /** False while the name is held for a reconnect. */
  connected: boolean;
}

/** What instances tell each other; payloads only, never sealed frames or keys. */
export interface ClusterEvents {
  /** A member joined, dropped or came back on the sending instance. */
  member: RemoteMember;
  /** A member resumed on the sending instance: whoever held it lets go, quietly. */
  moved: RemoteMember;
  /** A member left for good. */
  'member-left': {
    sessionId: string;
    username: string;
    at: string;
    reason: LeaveReason;
  };
  /** A stored public message: each instance delivers it to its own sockets. */
  message: MessagePayload;
  /** Someone is typing: to the room, or to `to` (delivered only where `to` is connected). */
  typing: { from: string; to?: string };
  /** A reaction on a public message was stored: each instance tells its members. */
  reaction: ReactionPayload;
  /** An administrator removed this user, on whichever instance holds them. */
  kick: { key: string; removal: Removal };
  /** An administrator removed someone: their name and address stay out until `until`. */
  banned: { key: string; address: string; until: number };
  /**
   * A file was uploaded and verified on the sender's instance: every instance offers it to its
   * own recipients and serves their downloads from the shared file store.
   */
  'file-offered': {
    offer: FileOfferedPayload;
    storageId: string;
    senderSession: string;
    /** Folded names of who may accept it. */
    recipients: string[];
    expiresAt: number;
  };
  'file-answered': {
    transferId: string;
    sessionId: string;
    username: string;
    accepted: boolean;
  };
  /** A recipient has the whole file: a private file is then done. */
  'file-downloaded': { transferId: string; sessionId: string };
  /** The sender's instance removed the file (done, cancelled, expired, sender left). */
  'file-ended': { transferId: string; reason?: FileEndReason };
}

/** Questions to every other instance, answered by each. */
export interface ClusterRequests {
  /** A private message for a member held elsewhere: true from the instance that delivered it. */
  private: {
    ask: {
      sessionId: string;
      message: PrivateMessagePayload;
      /** Epoch ms after which it is dropped (the sender has been told it failed). */
      expiresAt: number;
    };
    answer: boolean;
  };
  /**
   * One of a member's end-to-end key packages, from the instance that holds them (used up
   * there, unless the last-resort one), within the claim limits kept there (E73); null from the
   * others, or when none is left; `rate_limited` when the requester is past its claims.
   */
  'key-package': {
    ask: {
      sessionId: string;
      /** The requester's folded name: the limits per requester and per pair hold there. */
      requester: string;
    };
    answer: { package: string; lastResort: boolean } | 'rate_limited' | null;
  };
}
