/**
 * Limits of the HTTP server itself, tighter than Node's defaults (the L32 family: slow headers,
 * slow bodies, idle keep-alive, oversized headers, many connections from one place). A reverse
 * proxy in front adds its own (see README); these hold without one.
 */
export const HttpLimits = {
  /** Whole request head within this (slowloris). */
  headersTimeoutMs: 10_000,
  /** Whole request within this (slow bodies); long-polling GETs end well before (25 s). */
  requestTimeoutMs: 30_000,
  /** Idle keep-alive connections close after this. */
  keepAliveTimeoutMs: 5_000,
  /** How often Node looks for connections past the two timeouts above. */
  checkIntervalMs: 1_000,
  maxHeaderBytes: 16 * 1024,
  maxHeadersCount: 64,
  /** JSON and form bodies (the admin API takes none larger). */
  maxBodyBytes: 16 * 1024,
  /** Socket.IO sessions that never send their CONNECT are closed after this (L43). */
  connectTimeoutMs: 10_000,
} as const;
