/** `reaction:send`: add (`on`) or take back my reaction to a stored public message. */
export interface ReactPayload {
  messageId: number;
  /** One emoji (see `isSingleEmoji`). */
  emoji: string;
  on: boolean;
}

/** `reaction:updated`: to everyone, after it was stored. */
export interface ReactionPayload {
  messageId: number;
  emoji: string;
  from: string;
  on: boolean;
}

/** The reactions a stored message has, as history carries them. */
export interface ReactionSummary {
  emoji: string;
  /**
   * Who gave it: the first `Limits.reactionNamesShown`, and the reader when it did (L69).
   */
  users: string[];
  /** How many gave it, named or not (absent from older servers: `users.length`). */
  count?: number;
}
