/**
 * What an MLS leaf says about who holds it: the name, the identity key that owns the name (the
 * key the transparency log binds to it), and that key's signature over the leaf's MLS signature
 * key. The identity key stays non-extractable in the browser; the MLS signature key (which the
 * MLS engine must hold as bytes) is certified by it, as Signal's identity key signs its prekeys.
 */
import { concatBytes, framed, fromUtf8, utf8 } from '../crypto/bytes';
import {
  type IdentityKey,
  signWithIdentity,
  signedByIdentity,
} from '../identity/identity-key';

const TAG = 'fuv-mls-credential/v1';

export interface DeviceCredential {
  name: string;
  /** DER SPKI of the identity key. */
  identityKey: Uint8Array;
  /** ECDSA P-256 (P1363) by the identity key over `certifiedBytes`. */
  signature: Uint8Array;
}

/** The bytes the identity key signs: this name holds this MLS signature key. */
function certifiedBytes(name: string, mlsSignatureKey: Uint8Array): Uint8Array {
  return concatBytes(
    framed(utf8(TAG)),
    framed(utf8(name)),
    framed(mlsSignatureKey),
  );
}

export async function certifyDevice(
  name: string,
  identity: IdentityKey,
  mlsSignatureKey: Uint8Array,
): Promise<DeviceCredential> {
  return {
    name,
    identityKey: identity.spki,
    signature: await signWithIdentity(
      identity,
      certifiedBytes(name, mlsSignatureKey),
    ),
  };
}

/** The credential's bytes (the MLS basic credential's `identity`): framed tag, name, key, signature. */
export function encodeCredential(credential: DeviceCredential): Uint8Array {
  return concatBytes(
    framed(utf8(TAG)),
    framed(utf8(credential.name)),
    framed(credential.identityKey),
    framed(credential.signature),
  );
}

export function decodeCredential(
  bytes: Uint8Array,
): DeviceCredential | undefined {
  const fields: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset < bytes.length; ) {
    if (offset + 4 > bytes.length) return undefined;
    const length = view.getUint32(offset);
    offset += 4;
    if (offset + length > bytes.length) return undefined;
    fields.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  if (fields.length !== 4) return undefined;
  try {
    if (fromUtf8(fields[0]) !== TAG) return undefined;
    return {
      name: fromUtf8(fields[1]),
      identityKey: fields[2],
      signature: fields[3],
    };
  } catch {
    return undefined;
  }
}

/** Whether the credential's identity key signed the claim that its name holds `mlsSignatureKey`. */
export function credentialCertifies(
  credential: DeviceCredential,
  mlsSignatureKey: Uint8Array,
): Promise<boolean> {
  return signedByIdentity(
    credential.identityKey,
    credential.signature,
    certifiedBytes(credential.name, mlsSignatureKey),
  );
}
