import { bufferSource, utf8 } from './bytes';
import {
  DecryptFailedError,
  type Direction,
  ENVELOPE_VERSION,
  type SealedEnvelope,
  decodePayload,
  encodePayload,
  envelopeAad,
  envelopeNonce,
} from './envelope';
import { AES_KEY_BYTES } from './handshake';
import type { RoomDecrypt } from './room-frame';

/**
 * One connection's sealed channel: every event after the handshake is sealed and opened here.
 * Sequence numbers are taken when `seal`/`open` is called, so callers must call in wire order.
 */
export interface SealedChannel {
  seal(event: string, payload: unknown): Promise<SealedEnvelope>;
  /** Opens the next envelope; any failure is one `DecryptFailedError` and consumes nothing. */
  open(
    event: string,
    envelope: SealedEnvelope,
  ): Promise<Record<string, unknown>>;
}

/**
 * Makes the client's channel from the handshake: `key(info)` is the HKDF step the handshake
 * defines, giving each direction's 32-byte key. The browser's keys never leave Web Crypto
 * (`webCryptoChannels`); a Node load generator may bring `node:crypto`'s (`@app/testing`).
 */
export interface ChannelMaker {
  make(
    hkdf: CryptoKey,
    salt: ArrayBuffer,
    info: { send: string; receive: string },
  ): Promise<SealedChannel>;
  /** Decryption under a room key the server granted (the raw bytes of `room:key`). */
  roomKey(raw: Uint8Array): Promise<RoomDecrypt>;
}

export const webCryptoChannels: ChannelMaker = {
  async make(hkdf, salt, info) {
    const derive = (label: string, usage: KeyUsage) =>
      crypto.subtle.deriveKey(
        {
          name: 'HKDF',
          hash: 'SHA-256',
          salt,
          info: bufferSource(utf8(label)),
        },
        hkdf,
        { name: 'AES-GCM', length: AES_KEY_BYTES * 8 },
        false,
        [usage],
      );
    const [sendKey, recvKey] = await Promise.all([
      derive(info.send, 'encrypt'),
      derive(info.receive, 'decrypt'),
    ]);
    return new WebCryptoChannel(sendKey, recvKey, 'c2s');
  },
  async roomKey(raw) {
    const key = await crypto.subtle.importKey(
      'raw',
      bufferSource(raw),
      'AES-GCM',
      false,
      ['decrypt'],
    );
    return async (nonce, aad, box) =>
      new Uint8Array(
        await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: bufferSource(nonce),
            additionalData: bufferSource(aad),
          },
          key,
          bufferSource(box),
        ),
      );
  },
};

/** The channel on Web Crypto (the browser's, and the tests' by default). */
export class WebCryptoChannel implements SealedChannel {
  private sendSeq = 0;
  private recvSeq = 0;

  constructor(
    private readonly sendKey: CryptoKey,
    private readonly recvKey: CryptoKey,
    private readonly sendDirection: Direction,
  ) {}

  private get recvDirection(): Direction {
    return this.sendDirection === 'c2s' ? 's2c' : 'c2s';
  }

  async seal(event: string, payload: unknown): Promise<SealedEnvelope> {
    const seq = this.sendSeq++;
    const box = await crypto.subtle.encrypt(
      {
        name: 'AES-GCM',
        iv: bufferSource(envelopeNonce(this.sendDirection, seq)),
        additionalData: bufferSource(
          envelopeAad(this.sendDirection, event, seq),
        ),
      },
      this.sendKey,
      bufferSource(encodePayload(event, payload)),
    );
    return { v: ENVELOPE_VERSION, seq, box: new Uint8Array(box) };
  }

  async open(
    event: string,
    envelope: SealedEnvelope,
  ): Promise<Record<string, unknown>> {
    const seq = this.recvSeq;
    let plaintext: ArrayBuffer;
    try {
      plaintext = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: bufferSource(envelopeNonce(this.recvDirection, seq)),
          additionalData: bufferSource(
            envelopeAad(this.recvDirection, event, seq),
          ),
        },
        this.recvKey,
        bufferSource(envelope.box),
      );
    } catch {
      throw new DecryptFailedError();
    }
    if (envelope.seq !== seq) throw new DecryptFailedError();
    this.recvSeq = seq + 1;
    return decodePayload(event, new Uint8Array(plaintext));
  }
}
