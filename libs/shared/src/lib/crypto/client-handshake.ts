import type {
  HandshakeOfferPayload,
  SessionReadyPayload,
} from '../protocol/payloads/handshake.payload';
import { bufferSource, fromBase64, toBase64 } from './bytes';
import {
  DELEGATION_MAX_MS,
  EC_POINT_BYTES,
  HANDSHAKE_SUITE,
  HANDSHAKE_VERSION,
  HKDF_INFO,
  PSS_SALT_BYTES,
  delegationBytes,
  formatFingerprint,
  handshakeTranscript,
} from './handshake';
import {
  type ChannelMaker,
  type SealedChannel,
  webCryptoChannels,
} from './web-crypto-channel';

/** Why a handshake was not completed; the client refuses to send in every case. */
export class HandshakeError extends Error {
  constructor(
    readonly reason: 'bad_answer' | 'bad_signature' | 'untrusted_key',
  ) {
    super(`handshake failed: ${reason}`);
    this.name = 'HandshakeError';
  }
}

export interface ClientOffer {
  offer: HandshakeOfferPayload;
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

export interface ClientSession {
  channel: SealedChannel;
  fingerprint: string;
  /** The server's RSA-PSS key that signed this handshake: it also signs audit checkpoints. */
  serverKey: CryptoKey;
  /** SHA-256 of the handshake transcript: names this connection (a login's identity proof signs it). */
  transcriptHash: Uint8Array;
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const PSS = { name: 'RSA-PSS', hash: 'SHA-256' } as const;

interface Delegated {
  serverKey: CryptoKey;
  delegatedKey: CryptoKey;
  delegatedSpki: Uint8Array;
}

/**
 * Delegations already verified, by their exact text: the server issues one an hour, so every
 * reconnect would check the same RSA signature again.
 */
const verifiedDelegations = new Map<string, Delegated>();
const KEPT_DELEGATIONS = 4;

/**
 * The delegated key, once the server's RSA key is shown to have signed it and it is still
 * valid by this client's clock; undefined otherwise.
 */
async function verifyDelegation(
  spki: Uint8Array,
  ready: SessionReadyPayload,
): Promise<Delegated | undefined> {
  const { key, notAfter, signature } = ready.delegation;
  const id = `${ready.serverKey}|${key}|${notAfter}|${signature}`;
  let delegated = verifiedDelegations.get(id);
  if (!delegated) {
    const delegatedSpki = fromBase64(key);
    const serverKey = await crypto.subtle.importKey(
      'spki',
      bufferSource(spki),
      PSS,
      false,
      ['verify'],
    );
    const signed = await crypto.subtle.verify(
      { name: 'RSA-PSS', saltLength: PSS_SALT_BYTES },
      serverKey,
      bufferSource(fromBase64(signature)),
      bufferSource(delegationBytes(spki, delegatedSpki, notAfter)),
    );
    if (!signed) return undefined;
    const delegatedKey = await crypto.subtle.importKey(
      'spki',
      bufferSource(delegatedSpki),
      ECDSA,
      false,
      ['verify'],
    );
    delegated = { serverKey, delegatedKey, delegatedSpki };
    if (verifiedDelegations.size >= KEPT_DELEGATIONS)
      verifiedDelegations.clear();
    verifiedDelegations.set(id, delegated);
  }
  const now = Date.now();
  const current = now <= notAfter && notAfter - now <= DELEGATION_MAX_MS;
  return current ? delegated : undefined;
}

/**
 * The server's RSA key and the transcript, when a delegation that key signed is current and its
 * delegated key signed this transcript; undefined otherwise.
 */
async function signedTranscript(
  offer: ClientOffer,
  ephemeral: Uint8Array,
  spki: Uint8Array,
  signature: Uint8Array,
  ready: SessionReadyPayload,
): Promise<{ serverKey: CryptoKey; transcript: Uint8Array } | undefined> {
  try {
    const delegated = await verifyDelegation(spki, ready);
    if (!delegated) return undefined;
    const transcript = handshakeTranscript(
      offer.publicKey,
      ephemeral,
      spki,
      delegated.delegatedSpki,
    );
    const verified = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      delegated.delegatedKey,
      bufferSource(signature),
      bufferSource(transcript),
    );
    return verified
      ? { serverKey: delegated.serverKey, transcript }
      : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh ephemeral key pair for one connection attempt. */
export async function createClientOffer(): Promise<ClientOffer> {
  const pair = await crypto.subtle.generateKey(ECDH, false, ['deriveBits']);
  const publicKey = new Uint8Array(
    await crypto.subtle.exportKey('raw', pair.publicKey),
  );
  return {
    offer: {
      v: HANDSHAKE_VERSION,
      suite: HANDSHAKE_SUITE,
      pub: toBase64(publicKey),
    },
    privateKey: pair.privateKey,
    publicKey,
  };
}

export async function keyFingerprint(spki: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bufferSource(spki));
  return formatFingerprint(new Uint8Array(digest));
}

/**
 * Checks the server's signed answer and derives the two AES-256-GCM keys.
 * `trust` sees the fingerprint of a key that proved itself by signing (pinning / TOFU).
 */
export async function completeClientHandshake(
  offer: ClientOffer,
  ready: SessionReadyPayload,
  trust: (fingerprint: string) => boolean | Promise<boolean>,
  channels: ChannelMaker = webCryptoChannels,
): Promise<ClientSession> {
  let spki: Uint8Array;
  let ephemeral: Uint8Array;
  let signature: Uint8Array;
  try {
    if (ready.v !== HANDSHAKE_VERSION || ready.suite !== HANDSHAKE_SUITE) {
      throw new Error('suite');
    }
    spki = fromBase64(ready.serverKey);
    ephemeral = fromBase64(ready.ephemeral);
    signature = fromBase64(ready.signature);
    if (ephemeral.length !== EC_POINT_BYTES) throw new Error('point');
    const { key, notAfter, signature: delegation } = ready.delegation;
    if (
      typeof key !== 'string' ||
      typeof delegation !== 'string' ||
      !Number.isSafeInteger(notAfter)
    )
      throw new Error('delegation');
  } catch {
    throw new HandshakeError('bad_answer');
  }

  // the RSA key vouches for the delegated key, which signed this connection's transcript
  const signed = await signedTranscript(
    offer,
    ephemeral,
    spki,
    signature,
    ready,
  );
  if (!signed) throw new HandshakeError('bad_signature');
  const { serverKey, transcript } = signed;

  const fingerprint = await keyFingerprint(spki);
  if (!(await trust(fingerprint))) throw new HandshakeError('untrusted_key');

  const serverPublic = await crypto.subtle.importKey(
    'raw',
    bufferSource(ephemeral),
    ECDH,
    false,
    [],
  );
  const shared = await crypto.subtle.deriveBits(
    { name: 'ECDH', public: serverPublic },
    offer.privateKey,
    256,
  );
  // deriveBits too: a load generator's channel takes its keys as bytes (`ChannelMaker`)
  const hkdfKey = await crypto.subtle.importKey('raw', shared, 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ]);
  const salt = await crypto.subtle.digest('SHA-256', bufferSource(transcript));
  return {
    channel: await channels.make(hkdfKey, salt, {
      send: HKDF_INFO.c2s,
      receive: HKDF_INFO.s2c,
    }),
    fingerprint,
    serverKey,
    transcriptHash: new Uint8Array(salt),
  };
}
