/** `message:send`: a public message to everyone. */
export interface SendMessagePayload {
  /**
   * Client-generated id (UUID): the sender recognises its own message by it, and a resend with
   * the same id is stored once and answered with the original message (at-least-once delivery).
   */
  clientId: string;
  text: string;
}

/**
 * `private-message:send`: a message to exactly one online user; end-to-end encrypted when
 * `e2ee` is present (then `text` is empty: the server never has it).
 */
export interface SendPrivateMessagePayload {
  clientId: string;
  to: string;
  text: string;
  e2ee?: E2eePayload;
}

import type { E2eePayload } from './e2ee.payload';
import type { ReactionSummary } from './reaction.payload';

/** `message:created`: a stored public message. */
export interface MessagePayload {
  id: number;
  clientId: string;
  from: string;
  text: string;
  /** Server time, ISO 8601. */
  at: string;
  /** In history: its reactions so far (live ones come as `reaction:updated`). */
  reactions?: ReactionSummary[];
}

/**
 * `message:history`: after every join, the public messages after the client's `lastMessageId`
 * (or the latest ones for a newcomer), oldest first, in as many pages as the frame limit needs.
 */
export interface MessageHistoryPayload {
  messages: MessagePayload[];
}

/** `message:history-truncated`: messages older than `firstId` were not sent (too many missed). */
export interface MessageHistoryTruncatedPayload {
  /** The oldest message the catch-up sent. */
  firstId: number;
}

/** `private-message:created`: sent only to its sender and its recipient; never stored in plaintext. */
export interface PrivateMessagePayload {
  id: string;
  clientId: string;
  from: string;
  to: string;
  /** Empty for an end-to-end message: the text is inside `e2ee`. */
  text: string;
  e2ee?: E2eePayload;
  at: string;
}

/** `typing`: what the user is typing goes to the room, or only to `to`. */
export interface TypingPayload {
  to?: string;
}

/** `user:typing`: `from` is typing in the room, or (`private`) to me. */
export interface UserTypingPayload {
  from: string;
  private: boolean;
}
