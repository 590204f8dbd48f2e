/** Limits both sides enforce; the server is the authority, the client checks early for a nicer UX. */
export const Limits = {
  /** Longest chat message, in characters (code points). */
  messageMaxChars: 4000,
  /** Public messages a user sees when joining. */
  historySize: 50,
  /** Username length in characters, after normalisation. */
  usernameMaxChars: 32,
  /**
   * Largest Socket.IO frame the server accepts (`maxHttpBufferSize`). A 4,000-character message
   * is at most 16 KB of UTF-8; a 48 KB file chunk also fits with headroom.
   */
  maxFrameBytes: 64 * 1024,
} as const;
