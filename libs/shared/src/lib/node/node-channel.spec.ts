import { randomBytes } from 'node:crypto';

import { DecryptFailedError } from '../crypto/envelope';
import { WebCryptoChannel } from '../crypto/web-crypto-channel';
import { NodeChannel } from './node-channel';

/** The same two keys as Web Crypto keys (the browser's end) and bytes (the server's end). */
async function pair() {
  const c2s = randomBytes(32);
  const s2c = randomBytes(32);
  const key = (raw: Buffer, usage: KeyUsage) =>
    crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, [
      usage,
    ]);
  const browser = new WebCryptoChannel(
    await key(c2s, 'encrypt'),
    await key(s2c, 'decrypt'),
    'c2s',
  );
  return { browser, server: new NodeChannel(s2c, c2s, 's2c') };
}

describe('NodeChannel (node:crypto) against the browser’s WebCryptoChannel', () => {
  it('opens what the other sealed, both ways, in order', async () => {
    const { browser, server } = await pair();
    for (let i = 0; i < 3; i++) {
      const up = await browser.seal('message:send', { text: `up ${i}` });
      expect(server.open('message:send', up)).toEqual({ text: `up ${i}` });
      const down = server.seal('message:created', { text: `down ${i}` });
      expect(await browser.open('message:created', down)).toEqual({
        text: `down ${i}`,
      });
    }
  });

  it('refuses a replayed, tampered, renamed or reflected frame, consuming nothing', async () => {
    const { browser, server } = await pair();
    const first = await browser.seal('message:send', { text: 'once' });
    server.open('message:send', first);
    const second = await browser.seal('message:send', { text: 'twice' });
    const flipped = Uint8Array.from(second.box as Uint8Array);
    flipped[0] ^= 1;
    for (const [event, envelope] of [
      ['message:send', first],
      ['message:send', { ...second, box: flipped }],
      ['private-message:send', second],
    ] as const)
      expect(() => server.open(event, envelope)).toThrow(DecryptFailedError);
    // the server's own frame sent back to it is not a client's
    const reflected = server.seal('message:send', { text: 'mine' });
    expect(() => server.open('message:send', reflected)).toThrow(
      DecryptFailedError,
    );
    expect(server.open('message:send', second)).toEqual({ text: 'twice' });
  });
});
