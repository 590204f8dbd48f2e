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
  /** File transfers move in chunks of this size (the last one may be shorter). */
  fileChunkBytes: 48 * 1024,
  /** Default largest file; the server's MAX_FILE_MB may lower or raise it and says so at login. */
  maxFileBytes: 20 * 1024 * 1024,
  /** Longest file name kept (in characters), after sanitising. */
  fileNameMaxChars: 200,
} as const;
