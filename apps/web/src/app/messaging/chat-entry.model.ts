/** One line in the history, whatever its source. */
export interface ChatEntry {
  /** Unique and stable: Angular tracks entries by it. */
  key: string;
  kind: 'global' | 'private' | 'system' | 'file';
  at: string;
  from?: string;
  to?: string;
  text: string;
  /** For `global` entries: the stored message's id (reactions refer to it). */
  messageId?: number;
  /** For `private` entries: the message's id (its reactions refer to it). */
  privateId?: string;
  /** For `file` entries: the transfer shown. */
  transferId?: string;
  /** Sent or received by me (private messages show both directions). */
  mine?: boolean;
  /** Someone else's message that mentions me (`@me`): highlighted. */
  mentionsMe?: boolean;
  /** My message not yet confirmed by the server (`pending`), or refused (`failed`, can be retried). */
  status?: 'pending' | 'failed';
  /** For my unconfirmed messages: the id the retry action resends under. */
  clientId?: string;
  /** A private entry that travelled end-to-end encrypted (the server could not read it). */
  e2ee?: boolean;
}

/** One emoji under a message: how many gave it, and whether I am one of them. */
export interface ReactionView {
  emoji: string;
  count: number;
  mine: boolean;
  /** Who gave it (for the tooltip): the names known. */
  users: string[];
  /** How many more gave it, unnamed. */
  others: number;
}
