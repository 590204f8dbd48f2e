import { generateKeyPairSync } from 'node:crypto';

import { createIdentityKey, isIdentitySpkiEncoding } from './identity-key';

const der = (namedCurve: string, pointFormat?: 'compressed') => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve });
  if (!pointFormat) return publicKey.export({ type: 'spki', format: 'der' });
  // the same key with its point compressed (02/03 and X): a valid encoding, but not the one
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x as string, 'base64url');
  const y = Buffer.from(jwk.y as string, 'base64url');
  const prefix = Buffer.from(
    '3039301306072a8648ce3d020106082a8648ce3d030107032200',
    'hex',
  );
  return Buffer.concat([prefix, Buffer.of(2 + (y[31] & 1)), x]);
};

describe('identity key encoding', () => {
  it('accepts the SPKI a browser exports for its identity key', async () => {
    const key = await createIdentityKey();
    expect(isIdentitySpkiEncoding(key.spki)).toBe(true);
    expect(isIdentitySpkiEncoding(der('prime256v1'))).toBe(true);
  });

  it('refuses another curve, a compressed point, and any changed header byte', () => {
    expect(isIdentitySpkiEncoding(der('secp384r1'))).toBe(false);
    expect(isIdentitySpkiEncoding(der('secp256k1'))).toBe(false);
    expect(isIdentitySpkiEncoding(der('prime256v1', 'compressed'))).toBe(false);
    const good = der('prime256v1');
    for (let i = 0; i < 27; i++) {
      const changed = Uint8Array.from(good);
      changed[i] ^= 0x01;
      expect(isIdentitySpkiEncoding(changed)).toBe(false);
    }
  });
});
