import { bufferSource, fromBase64 } from './bytes';
import { PSS_SALT_BYTES } from './handshake';

/** Web Crypto check of an RSA-PSS-SHA256 signature (base64) over `bytes`. */
export async function pssSignedBy(
  bytes: Uint8Array,
  signature: string,
  serverKey: CryptoKey,
): Promise<boolean> {
  try {
    return await crypto.subtle.verify(
      { name: 'RSA-PSS', saltLength: PSS_SALT_BYTES },
      serverKey,
      bufferSource(fromBase64(signature)),
      bufferSource(bytes),
    );
  } catch {
    return false;
  }
}
