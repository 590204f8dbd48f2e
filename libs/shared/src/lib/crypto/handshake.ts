import { concatBytes, framed, utf8 } from './bytes';

/**
 * The only handshake this version speaks; anything else is refused, so nothing can downgrade it.
 * v2: the transcript is signed by a short-lived ECDSA key that the RSA key delegates to (v1 made
 * an RSA signature per connection, most of a connect's CPU).
 */
export const HANDSHAKE_VERSION = 2;
export const HANDSHAKE_SUITE =
  'ECDHE-P256+ECDSA-P256-SHA256(delegated by RSA-PSS-SHA256)+HKDF-SHA256+AES-256-GCM';

/** Uncompressed P-256 point: 0x04 || X || Y. */
export const EC_POINT_BYTES = 65;
export const PSS_SALT_BYTES = 32;
export const AES_KEY_BYTES = 32;

/**
 * How long a delegated handshake key is valid. The server issues a new one every hour, so a
 * client whose clock is up to a day off still connects; clients refuse one valid for longer
 * than `DELEGATION_MAX_MS` from their own clock (RFC 9345's limit for TLS delegated credentials).
 */
export const DELEGATION_TTL_MS = 24 * 60 * 60 * 1000;
export const DELEGATION_MAX_MS = 7 * 24 * 60 * 60 * 1000;

/** HKDF `info` labels: one key per direction, so the two directions never share a nonce space. */
export const HKDF_INFO = {
  c2s: 'fuv-chat/v1 client-to-server key',
  s2c: 'fuv-chat/v1 server-to-client key',
} as const;

/**
 * What the server's RSA key signs to delegate handshakes to a short-lived ECDSA P-256 key: both
 * keys and the end of its validity (epoch ms), length-framed.
 */
export function delegationBytes(
  serverKeySpki: Uint8Array,
  delegatedKeySpki: Uint8Array,
  notAfter: number,
): Uint8Array {
  return concatBytes(
    framed(utf8('fuv-chat/handshake-delegation/v1')),
    framed(serverKeySpki),
    framed(delegatedKeySpki),
    framed(utf8(String(notAfter))),
  );
}

/**
 * What the delegated key signs and what salts the key derivation: both ephemeral halves, the
 * server's identity key and the delegated key, length-framed so no two transcripts can collide.
 */
export function handshakeTranscript(
  clientEphemeral: Uint8Array,
  serverEphemeral: Uint8Array,
  serverKeySpki: Uint8Array,
  delegatedKeySpki: Uint8Array,
): Uint8Array {
  return concatBytes(
    framed(utf8(`fuv-chat/handshake/v${HANDSHAKE_VERSION}`)),
    framed(utf8(HANDSHAKE_SUITE)),
    framed(clientEphemeral),
    framed(serverEphemeral),
    framed(serverKeySpki),
    framed(delegatedKeySpki),
  );
}

/** SHA-256 of the key's SPKI DER, hex in groups of four, as users compare it with the admin. */
export function formatFingerprint(digest: Uint8Array): string {
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0'));
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 2) groups.push(hex[i] + hex[i + 1]);
  return groups.join(' ').toUpperCase();
}
