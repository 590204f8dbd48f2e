import { createCipheriv, createDecipheriv } from 'node:crypto';

import {
  type ChannelMaker,
  DecryptFailedError,
  type Direction,
  ENVELOPE_VERSION,
  type SealedChannel,
  type SealedEnvelope,
  TAG_BYTES,
  decodePayload,
  encodePayload,
  envelopeAad,
  envelopeNonce,
} from '@app/shared';

/**
 * The client's channel on `node:crypto`, for load generators: the browser's protocol code
 * (nonces, associated data, payload encoding from `envelope.ts`) around Node's AES-GCM, which
 * costs a few microseconds per frame where Node's Web Crypto costs tens. The keys come from the
 * handshake's own HKDF step, as raw bytes (fine for a load tool; the browser keeps its keys
 * inside Web Crypto).
 */
class NodeCryptoChannel implements SealedChannel {
  private sendSeq = 0;
  private recvSeq = 0;

  constructor(
    private readonly sendKey: Buffer,
    private readonly recvKey: Buffer,
    private readonly sendDirection: Direction,
  ) {}

  private get recvDirection(): Direction {
    return this.sendDirection === 'c2s' ? 's2c' : 'c2s';
  }

  async seal(event: string, payload: unknown): Promise<SealedEnvelope> {
    const seq = this.sendSeq++;
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.sendKey,
      envelopeNonce(this.sendDirection, seq),
      { authTagLength: TAG_BYTES },
    );
    cipher.setAAD(envelopeAad(this.sendDirection, event, seq));
    const box = Buffer.concat([
      cipher.update(encodePayload(event, payload)),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return { v: ENVELOPE_VERSION, seq, box };
  }

  async open(
    event: string,
    envelope: SealedEnvelope,
  ): Promise<Record<string, unknown>> {
    const seq = this.recvSeq;
    const box = envelope.box;
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.recvKey,
        envelopeNonce(this.recvDirection, seq),
        { authTagLength: TAG_BYTES },
      );
      decipher.setAAD(envelopeAad(this.recvDirection, event, seq));
      decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
      plaintext = Buffer.concat([
        decipher.update(box.subarray(0, box.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new DecryptFailedError();
    }
    if (envelope.seq !== seq) throw new DecryptFailedError();
    this.recvSeq = seq + 1;
    return decodePayload(event, plaintext);
  }
}

export const nodeCryptoChannels: ChannelMaker = {
  async make(hkdf, salt, info) {
    const derive = async (label: string) =>
      Buffer.from(
        await crypto.subtle.deriveBits(
          {
            name: 'HKDF',
            hash: 'SHA-256',
            salt,
            info: new TextEncoder().encode(label),
          },
          hkdf,
          256,
        ),
      );
    return new NodeCryptoChannel(
      await derive(info.send),
      await derive(info.receive),
      'c2s',
    );
  },
};
