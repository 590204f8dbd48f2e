import { generateKeyPairSync } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  generateServerKeys,
  loadCheckpointKeys,
  loadOrCreateServerKeys,
} from './server-keys';

describe('server key files', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fuv-keys-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates an RSA-3072 pair on first start, private key mode 0600, and loads the same key later', async () => {
    const created = await loadOrCreateServerKeys(join(dir, 'keys'));
    expect(created.privateKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(statSync(join(dir, 'keys', PRIVATE_KEY_FILE)).mode & 0o777).toBe(
      0o600,
    );
    expect(readFileSync(join(dir, 'keys', PUBLIC_KEY_FILE), 'utf8')).toContain(
      'BEGIN PUBLIC KEY',
    );

    const loaded = await loadOrCreateServerKeys(join(dir, 'keys'));
    const spki = (k: typeof created) =>
      k.publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
    expect(spki(loaded)).toBe(spki(created));
  });

  it('keeps a replaced public key as retired, so checkpoints it signed still verify', async () => {
    const first = await generateServerKeys(dir);
    const second = await generateServerKeys(dir);
    const der = (k: typeof first) =>
      k.publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
    const before = new Date().toISOString();
    const keys = await loadCheckpointKeys(dir);
    const trusted = keys.map(({ key }) =>
      key.export({ type: 'spki', format: 'der' }).toString('hex'),
    );
    expect(trusted).toEqual([der(second), der(first)]);
    // the current key has no end; the retired one carries the time it was retired (M53)
    expect(keys[0].retiredAt).toBeUndefined();
    expect(keys[1].retiredAt! <= before).toBe(true);
    expect(Date.parse(keys[1].retiredAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses a weak or unreadable key without printing any key material', async () => {
    const weak = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(dir, PRIVATE_KEY_FILE), weak);
    const error = (await loadOrCreateServerKeys(dir).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain('at least 3072 bits');
    expect(error.message).not.toContain('BEGIN');

    writeFileSync(
      join(dir, PRIVATE_KEY_FILE),
      '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n',
    );
    const garbled = (await loadOrCreateServerKeys(dir).catch(
      (e: unknown) => e,
    )) as Error;
    expect(garbled.message).toContain('is not a readable private key');
    expect(garbled.message).not.toContain('c2VjcmV0');
  });
});
