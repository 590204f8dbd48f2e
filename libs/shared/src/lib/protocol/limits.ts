/** Limits both sides enforce; the server is the authority, the client checks early for a nicer UX. */
export const Limits = {
  /** Longest chat message, in characters (code points). */
  messageMaxChars: 4000,
  /** Public messages a newcomer sees when joining (a returning client gets all it missed). */
  historySize: 50,
  /** Most messages one catch-up sends; a client further behind gets the newest ones (L48). */
  catchUpMax: 1000,
  /** Payload budget of one `message:history` page: well under the frame limit, also for clients. */
  historyPageBytes: 48 * 1024,
  /**
   * The most one history entry can weigh (L69): a 4,000-character text escaped in JSON (at most
   * 24 KB), 20 emoji with `reactionNamesShown` names each, and its ids and time. A page holds at
   * least one entry, so no page exceeds this or `historyPageBytes`, far under `maxServerFrameBytes`.
   */
  historyEntryMaxBytes: 64 * 1024,
  /**
   * Longest end-to-end message (base64 of the MLS message): a 4,000-character text is at most
   * 16 KB of UTF-8, 22 KB in base64 once sealed; a Welcome of a pair is a few KB.
   */
  e2eeMessageMaxChars: 32 * 1024,
  /** Key packages one device keeps published, and the longest one (base64). */
  keyPackagesMax: 10,
  keyPackageMaxChars: 4096,
  /** Username length in characters, after normalisation. */
  usernameMaxChars: 32,
  /**
   * Largest Socket.IO frame the server accepts (`maxHttpBufferSize`): the largest legitimate
   * frame is a sealed 48 KB file chunk, about 49 KB raw on WebSocket and 66 KB once HTTP
   * long-polling base64-encodes it. A 4,000-character message is at most 16 KB of UTF-8.
   */
  maxFrameBytes: 80 * 1024,
  /**
   * Largest frame a client opens from the (authenticated) server: a catch-up page or a sealed
   * file chunk, with room to spare.
   */
  maxServerFrameBytes: 2 * 1024 * 1024,
  /** Users in one page of the user list (the welcome's and each `users:page`). */
  userPageSize: 50,
  /** File transfers move in chunks of this size (the last one may be shorter). */
  fileChunkBytes: 48 * 1024,
  /** Default largest file; the server's MAX_FILE_MB may lower or raise it and says so at login. */
  maxFileBytes: 20 * 1024 * 1024,
  /** Longest file name kept (in characters), after sanitising. */
  fileNameMaxChars: 200,
  /** A typing client says so at most this often (per conversation); the server drops faster ones. */
  typingEveryMs: 3000,
  /** A receiver shows "is typing" this long after the last notice (a bit over two notices). */
  typingShownMs: 7000,
  /** Different emoji one message may carry. */
  reactionsPerMessage: 20,
  /**
   * Names history carries per emoji of a message (the reader's own among them when it reacted);
   * the rest are a count (`ReactionSummary.count`), so a message liked by thousands stays small.
   */
  reactionNamesShown: 8,
} as const;
