import { concatBytes, framed, utf8 } from './bytes';

/** The only handshake this version speaks; anything else is refused, so nothing can downgrade it. */
export const HANDSHAKE_VERSION = 1;
export const HANDSHAKE_SUITE =
  'ECDHE-P256+RSA-PSS-SHA256+HKDF-SHA256+AES-256-GCM';

/** Uncompressed P-256 point: 0x04 || X || Y. */
export const EC_POINT_BYTES = 65;
export const PSS_SALT_BYTES = 32;
export const AES_KEY_BYTES = 32;

/** HKDF `info` labels: one key per direction, so the two directions never share a nonce space. */
export const HKDF_INFO = {
  c2s: 'fuv-chat/v1 client-to-server key',
  s2c: 'fuv-chat/v1 server-to-client key',
} as const;

/**
 * What the server signs and what salts the key derivation: both ephemeral halves and the
 * server's identity key, length-framed so no two transcripts can collide.
 */
export function handshakeTranscript(
  clientEphemeral: Uint8Array,
  serverEphemeral: Uint8Array,
  serverKeySpki: Uint8Array,
): Uint8Array {
  return concatBytes(
    framed(utf8(`fuv-chat/handshake/v${HANDSHAKE_VERSION}`)),
    framed(utf8(HANDSHAKE_SUITE)),
    framed(clientEphemeral),
    framed(serverEphemeral),
    framed(serverKeySpki),
  );
}

/** SHA-256 of the key's SPKI DER, hex in groups of four, as users compare it with the admin. */
export function formatFingerprint(digest: Uint8Array): string {
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0'));
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 2) groups.push(hex[i] + hex[i + 1]);
  return groups.join(' ').toUpperCase();
}
