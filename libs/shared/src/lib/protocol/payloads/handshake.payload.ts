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

/** `session:ready`: the server's half, signed by its long-term RSA key. The only plaintext event. */
export interface SessionReadyPayload {
  v: number;
  suite: string;
  /** Base64 DER SubjectPublicKeyInfo of the server's RSA identity key. */
  serverKey: string;
  /** Base64 uncompressed P-256 point, fresh for this connection. */
  ephemeral: string;
  /** Base64 RSA-PSS-SHA256 signature over the handshake transcript. */
  signature: string;
}
