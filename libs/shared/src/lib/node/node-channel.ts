import {
  DecryptFailedError,
  type Direction,
  ENVELOPE_VERSION,
  type SealedEnvelope,
  decodePayload,
  encodePayload,
  envelopeAad,
  envelopeNonce,
} from '../crypto/envelope';
import { openAesGcm, sealAesGcm } from './aes-gcm';

/**
 * One connection's sealed channel on `node:crypto`: the server's end (`s2c`), or a Node load
 * tool's client end (`c2s`). The same nonces, associated data and encoding as the browser's
 * Web Crypto channel. Synchronous on purpose: sequence numbers are taken in the order frames
 * are written and read.
 */
export class NodeChannel {
  private sendSeq = 0;
  private recvSeq = 0;
  private readonly recvDirection: Direction;

  constructor(
    private readonly sendKey: Uint8Array,
    private readonly recvKey: Uint8Array,
    private readonly sendDirection: Direction,
  ) {
    this.recvDirection = sendDirection === 'c2s' ? 's2c' : 'c2s';
  }

  seal(event: string, payload: unknown): SealedEnvelope {
    return this.sealEncoded(event, encodePayload(event, payload));
  }

  /** Seals a payload already encoded with `encodePayload` (a broadcast encodes it once for all). */
  sealEncoded(event: string, plaintext: Uint8Array): SealedEnvelope {
    const seq = this.sendSeq++;
    const box = sealAesGcm(
      this.sendKey,
      envelopeNonce(this.sendDirection, seq),
      envelopeAad(this.sendDirection, event, seq),
      plaintext,
    );
    return { v: ENVELOPE_VERSION, seq, box };
  }

  /** Opens the next envelope. Every failure is the same `DecryptFailedError` and consumes nothing. */
  open(event: string, envelope: SealedEnvelope): Record<string, unknown> {
    const seq = this.recvSeq;
    let plaintext: Buffer;
    try {
      plaintext = openAesGcm(
        this.recvKey,
        envelopeNonce(this.recvDirection, seq),
        envelopeAad(this.recvDirection, event, seq),
        envelope.box,
      );
    } catch {
      throw new DecryptFailedError();
    }
    // the sequence number is public and already in nonce and AAD; this keeps the field honest
    if (envelope.seq !== seq) throw new DecryptFailedError();
    this.recvSeq = seq + 1;
    return decodePayload(event, plaintext);
  }
}
