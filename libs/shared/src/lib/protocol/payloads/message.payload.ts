/** `message:send`: a public message to everyone. */
export interface SendMessagePayload {
  /** Client-generated id (UUID) so the sender recognises its own message. */
  clientId: string;
  text: string;
}

/** `private-message:send`: a message to exactly one online user. */
export interface SendPrivateMessagePayload {
  clientId: string;
  to: string;
  text: string;
}

/** `message:created`: a stored public message. */
export interface MessagePayload {
  id: number;
  clientId: string;
  from: string;
  text: string;
  /** Server time, ISO 8601. */
  at: string;
}

/** `message:history`: the latest public messages, oldest first, sent after every join. */
export interface MessageHistoryPayload {
  messages: MessagePayload[];
}

/** `private-message:created`: sent only to its sender and its recipient; never stored in plaintext. */
export interface PrivateMessagePayload {
  id: string;
  clientId: string;
  from: string;
  to: string;
  text: string;
  at: string;
}
