/**
 * Sent in the Socket.IO handshake (`auth`), before the connection exists: the client's half of
 * an ephemeral ECDH exchange. The server refuses any other suite or version (no downgrade).
 */
export interface HandshakeOfferPayload {
  v: number;
  suite: string;
  /** Base64 uncompressed P-256 point (65 bytes), fresh for every connection attempt. */
  pub: string;
}

/**
 * The server's RSA key hands handshakes to a short-lived ECDSA P-256 key (as TLS delegated
 * credentials do): one RSA signature an hour instead of one per connection. Every connection
 * still has its own ephemeral ECDH keys, so forward secrecy is unchanged.
 */
export interface HandshakeDelegationPayload {
  /** Base64 DER SubjectPublicKeyInfo of the delegated ECDSA P-256 key. */
  key: string;
  /** Epoch milliseconds after which clients refuse it. */
  notAfter: number;
  /** Base64 RSA-PSS-SHA256 signature by the server's key over `delegationBytes`. */
  signature: string;
}

/** `session:ready`: the server's half, signed for its long-term RSA key. The only plaintext event. */
export interface SessionReadyPayload {
  v: number;
  suite: string;
  /** Base64 DER SubjectPublicKeyInfo of the server's RSA identity key. */
  serverKey: string;
  /** Base64 uncompressed P-256 point, fresh for this connection. */
  ephemeral: string;
  delegation: HandshakeDelegationPayload;
  /** Base64 IEEE P1363 ECDSA-P256-SHA256 signature by the delegated key over the transcript. */
  signature: string;
}
