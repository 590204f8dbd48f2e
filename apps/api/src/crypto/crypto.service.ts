import {
  constants,
  createECDH,
  createHash,
  hkdfSync,
  type KeyObject,
  sign,
} from 'node:crypto';

import {
  AES_KEY_BYTES,
  EC_POINT_BYTES,
  HANDSHAKE_SUITE,
  HANDSHAKE_VERSION,
  HKDF_INFO,
  type HandshakeOfferPayload,
  PSS_SALT_BYTES,
  type SessionReadyPayload,
  formatFingerprint,
  fromBase64,
  handshakeTranscript,
} from '@app/shared';

import type { ServerKeys } from './server-keys';
import { SessionChannel } from './session-channel';

/** Any refused handshake: one reason for every cause, so a prober learns nothing. */
export class HandshakeRejectedError extends Error {
  constructor() {
    super('handshake_failed');
    this.name = 'HandshakeRejectedError';
  }
}

export interface AcceptedHandshake {
  ready: SessionReadyPayload;
  channel: SessionChannel;
}

/** Wraps `node:crypto`: the server identity key and the per-connection key exchange. */
export class CryptoService {
  private readonly spki: Buffer;
  readonly fingerprint: string;

  constructor(private readonly keys: ServerKeys) {
    this.spki = keys.publicKey.export({ type: 'spki', format: 'der' });
    this.fingerprint = formatFingerprint(
      createHash('sha256').update(this.spki).digest(),
    );
  }

  get publicKey(): KeyObject {
    return this.keys.publicKey;
  }

  /**
   * Answers a client's ECDH offer: a fresh P-256 key pair, the transcript signed with RSA-PSS,
   * and the two directional AES-256-GCM keys from HKDF-SHA-256. Throws on any bad offer.
   */
  acceptOffer(raw: unknown): AcceptedHandshake {
    const clientPublic = this.readOffer(raw);
    const ecdh = createECDH('prime256v1');
    const serverPublic = ecdh.generateKeys();
    let shared: Buffer;
    try {
      shared = ecdh.computeSecret(clientPublic);
    } catch {
      throw new HandshakeRejectedError();
    }
    const transcript = handshakeTranscript(
      clientPublic,
      serverPublic,
      this.spki,
    );
    const signature = sign('sha256', transcript, {
      key: this.keys.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: PSS_SALT_BYTES,
    });
    const salt = createHash('sha256').update(transcript).digest();
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', shared, salt, info, AES_KEY_BYTES));
    return {
      ready: {
        v: HANDSHAKE_VERSION,
        suite: HANDSHAKE_SUITE,
        serverKey: this.spki.toString('base64'),
        ephemeral: serverPublic.toString('base64'),
        signature: signature.toString('base64'),
      },
      channel: new SessionChannel(derive(HKDF_INFO.s2c), derive(HKDF_INFO.c2s)),
    };
  }

  private readOffer(raw: unknown): Uint8Array {
    if (typeof raw !== 'object' || raw === null)
      throw new HandshakeRejectedError();
    const { v, suite, pub } = raw as Partial<HandshakeOfferPayload>;
    if (
      v !== HANDSHAKE_VERSION ||
      suite !== HANDSHAKE_SUITE ||
      typeof pub !== 'string' ||
      pub.length > 128
    ) {
      throw new HandshakeRejectedError();
    }
    let point: Uint8Array;
    try {
      point = fromBase64(pub);
    } catch {
      throw new HandshakeRejectedError();
    }
    if (point.length !== EC_POINT_BYTES || point[0] !== 0x04)
      throw new HandshakeRejectedError();
    return point;
  }
}
