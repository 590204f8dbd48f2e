import { createCipheriv, createDecipheriv } from 'node:crypto';

import {
  DecryptFailedError,
  type Direction,
  ENVELOPE_VERSION,
  type SealedEnvelope,
  TAG_BYTES,
  decodePayload,
  encodePayload,
  envelopeAad,
  envelopeNonce,
} from '@app/shared';

/**
 * The server's end of one connection's sealed channel, on `node:crypto`. Synchronous on
 * purpose: sequence numbers are taken in the order frames are written and read.
 */
export class SessionChannel {
  private sendSeq = 0;
  private recvSeq = 0;

  constructor(
    private readonly sendKey: Buffer,
    private readonly recvKey: Buffer,
  ) {}

  private static readonly send: Direction = 's2c';
  private static readonly recv: Direction = 'c2s';

  seal(event: string, payload: unknown): SealedEnvelope {
    return this.sealEncoded(event, encodePayload(event, payload));
  }

  /** Seals a payload already encoded with `encodePayload` (a broadcast encodes it once for all). */
  sealEncoded(event: string, plaintext: Uint8Array): SealedEnvelope {
    const seq = this.sendSeq++;
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.sendKey,
      envelopeNonce(SessionChannel.send, seq),
    );
    cipher.setAAD(envelopeAad(SessionChannel.send, event, seq));
    const body = cipher.update(plaintext);
    const box = Buffer.concat([body, cipher.final(), cipher.getAuthTag()]);
    return { v: ENVELOPE_VERSION, seq, box };
  }

  /** Opens the next envelope. Every failure is the same `DecryptFailedError` and consumes nothing. */
  open(event: string, envelope: SealedEnvelope): Record<string, unknown> {
    const seq = this.recvSeq;
    const box = envelope.box;
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.recvKey,
        envelopeNonce(SessionChannel.recv, seq),
      );
      decipher.setAAD(envelopeAad(SessionChannel.recv, event, seq));
      decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
      plaintext = Buffer.concat([
        decipher.update(box.subarray(0, box.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new DecryptFailedError();
    }
    // the sequence number is public and already in nonce and AAD; this keeps the field honest
    if (envelope.seq !== seq) throw new DecryptFailedError();
    this.recvSeq = seq + 1;
    return decodePayload(event, plaintext);
  }
}
