import {
  TEXT_BOX_MAX_BYTES,
  envelopeAad,
  envelopeNonce,
  readEnvelope,
} from './envelope';

describe('envelope format', () => {
  it('builds a 96-bit nonce from direction and sequence number, never equal across directions', () => {
    const nonces = new Set<string>();
    for (const direction of ['c2s', 's2c'] as const) {
      for (const seq of [0, 1, 2, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
        const nonce = envelopeNonce(direction, seq);
        expect(nonce).toHaveLength(12);
        nonces.add(Buffer.from(nonce).toString('hex'));
      }
    }
    expect(nonces.size).toBe(10);
  });

  it('binds version, direction, event and sequence into the AAD', () => {
    const text = new TextDecoder().decode(
      envelopeAad('s2c', 'message:created', 7),
    );
    expect(text).toBe('fuv-chat/envelope/v1\ns2c\nmessage:created\n7');
  });

  it.each([
    ['null', null],
    ['string', 'x'],
    ['array', [1, 0, new Uint8Array(16)]],
    ['wrong version', { v: 2, seq: 0, box: new Uint8Array(16) }],
    ['negative seq', { v: 1, seq: -1, box: new Uint8Array(16) }],
    ['fractional seq', { v: 1, seq: 0.5, box: new Uint8Array(16) }],
    ['string box', { v: 1, seq: 0, box: 'AAAA' }],
    ['short box', { v: 1, seq: 0, box: new Uint8Array(15) }],
    ['huge box', { v: 1, seq: 0, box: new Uint8Array(101) }],
    ['extra field', { v: 1, seq: 0, box: new Uint8Array(16), from: 'bob' }],
  ])('refuses a malformed envelope: %s', (_name, value) => {
    expect(readEnvelope(value, 100)).toBeUndefined();
  });

  it('accepts Buffer and ArrayBuffer boxes', () => {
    expect(
      readEnvelope({ v: 1, seq: 3, box: Buffer.alloc(20) }, 100)?.seq,
    ).toBe(3);
    expect(
      readEnvelope({ v: 1, seq: 0, box: new ArrayBuffer(20) }, 100)?.box,
    ).toHaveLength(20);
  });

  it('accepts a small box as base64 text, and refuses bad or oversized text', () => {
    const box = Buffer.from(Array.from({ length: 40 }, (_, i) => i));
    expect(
      readEnvelope({ v: 1, seq: 1, box: box.toString('base64') }, 100)?.box,
    ).toEqual(new Uint8Array(box));
    for (const bad of ['not base64!', 'QUJD=', '']) {
      expect(readEnvelope({ v: 1, seq: 1, box: bad }, 100)).toBeUndefined();
    }
    const huge = Buffer.alloc(TEXT_BOX_MAX_BYTES + 3).toString('base64');
    expect(readEnvelope({ v: 1, seq: 1, box: huge }, 1e6)).toBeUndefined();
  });
});

describe('binary payloads (file chunks)', () => {
  it('round-trips header fields and raw bytes without base64', async () => {
    const { encodePayload, decodePayload } = await import('./envelope');
    const data = new Uint8Array(48 * 1024).map((_, i) => i % 251);
    const encoded = encodePayload('file:chunk', {
      transferId: 't1',
      index: 3,
      data,
    });
    expect(encoded.length).toBeLessThan(data.length + 64);
    const decoded = decodePayload('file:chunk', encoded);
    expect(decoded['transferId']).toBe('t1');
    expect(decoded['index']).toBe(3);
    expect(
      Buffer.from(decoded['data'] as Uint8Array).equals(Buffer.from(data)),
    ).toBe(true);
    expect(() =>
      decodePayload('file:chunk', new Uint8Array([0, 0, 0, 99, 1])),
    ).toThrow('decrypt_failed');
  });
});
