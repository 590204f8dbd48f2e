import { DecryptFailedError, type SealedEnvelope } from './envelope';
import { WebCryptoChannel } from './web-crypto-channel';

async function channelPair(): Promise<[WebCryptoChannel, WebCryptoChannel]> {
  const gen = () =>
    crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
  const [c2s, s2c] = await Promise.all([gen(), gen()]);
  return [
    new WebCryptoChannel(c2s, s2c, 'c2s'),
    new WebCryptoChannel(s2c, c2s, 's2c'),
  ];
}

function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] ^= 0x01;
  return copy;
}

describe('WebCryptoChannel (sealed envelope)', () => {
  it('round-trips payloads in both directions with increasing sequence numbers', async () => {
    const [client, server] = await channelPair();
    const first = await client.seal('message:send', { text: 'hi' });
    const second = await client.seal('message:send', { text: 'again' });
    expect([first.seq, second.seq]).toEqual([0, 1]);
    expect(first.v).toBe(1);
    await expect(server.open('message:send', first)).resolves.toEqual({
      text: 'hi',
    });
    await expect(server.open('message:send', second)).resolves.toEqual({
      text: 'again',
    });

    const reply = await server.seal('message:created', { id: 1 });
    await expect(client.open('message:created', reply)).resolves.toEqual({
      id: 1,
    });
  });

  it('never shows plaintext in the box', async () => {
    const [client] = await channelPair();
    const sealed = await client.seal('message:send', { text: 'secret words' });
    expect(Buffer.from(sealed.box).toString('latin1')).not.toContain('secret');
  });

  describe('C8: any tampering gives one generic decrypt_failed', () => {
    let client: WebCryptoChannel;
    let server: WebCryptoChannel;
    let sealed: SealedEnvelope;

    beforeEach(async () => {
      [client, server] = await channelPair();
      sealed = await client.seal('message:send', { text: 'hello' });
    });

    const cases: [string, (e: SealedEnvelope) => [string, SealedEnvelope]][] = [
      [
        'first body byte',
        (e) => ['message:send', { ...e, box: flipBit(e.box, 0) }],
      ],
      [
        'last tag byte',
        (e) => [
          'message:send',
          { ...e, box: flipBit(e.box, e.box.length - 1) },
        ],
      ],
      [
        'first tag byte',
        (e) => [
          'message:send',
          { ...e, box: flipBit(e.box, e.box.length - 16) },
        ],
      ],
      [
        'truncated tag',
        (e) => ['message:send', { ...e, box: e.box.slice(0, -1) }],
      ],
      [
        'sequence number (nonce and AAD)',
        (e) => ['message:send', { ...e, seq: 1 }],
      ],
      ['event name (AAD)', (e) => ['private-message:send', e]],
      ['empty box', (e) => ['message:send', { ...e, box: new Uint8Array(0) }]],
    ];

    it.each(cases)('%s', async (_name, tamper) => {
      const [event, envelope] = tamper(sealed);
      await expect(server.open(event, envelope)).rejects.toEqual(
        new DecryptFailedError(),
      );
      // the failure consumed nothing: the genuine envelope still opens
      await expect(server.open('message:send', sealed)).resolves.toEqual({
        text: 'hello',
      });
    });

    it('rejects a replay of an envelope already opened (C9)', async () => {
      await server.open('message:send', sealed);
      await expect(server.open('message:send', sealed)).rejects.toBeInstanceOf(
        DecryptFailedError,
      );
    });

    it('rejects reordered envelopes', async () => {
      const next = await client.seal('message:send', { text: 'second' });
      await expect(server.open('message:send', next)).rejects.toBeInstanceOf(
        DecryptFailedError,
      );
    });

    it('rejects an envelope reflected back to its sender', async () => {
      await expect(client.open('message:send', sealed)).rejects.toBeInstanceOf(
        DecryptFailedError,
      );
    });
  });
});
