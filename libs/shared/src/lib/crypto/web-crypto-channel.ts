import { bufferSource } from './bytes';
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

/**
 * One connection's sealed channel on Web Crypto (browser, and the Node test and bench clients).
 * Sequence numbers are taken when `seal`/`open` is called, so callers must call in wire order.
 */
export class WebCryptoChannel {
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

  /** Opens the next envelope; any failure is one `DecryptFailedError` and consumes nothing. */
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
