import { generateKeyPairSync, sign, constants } from 'node:crypto';

import { utf8 } from '../crypto/bytes';
import {
  type Binding,
  bindingLeaf,
  parseBindingLeaf,
  treeHeadBytes,
  treeHeadSignedBy,
} from './key-log';

describe('key log encodings', () => {
  const binding: Binding = {
    kind: 'bind',
    name: 'alice',
    key: 'a2V5',
    at: '2026-12-01T09:00:00.000Z',
  };

  it('reads back exactly the leaves it writes, and nothing written another way', () => {
    expect(parseBindingLeaf(bindingLeaf(binding))).toEqual(binding);
    const release = { ...binding, kind: 'release' as const, key: '' };
    expect(parseBindingLeaf(bindingLeaf(release))).toEqual(release);
    for (const other of [
      // the same fields with a space: another byte string, another leaf hash
      '["fuv-kt-binding/v1", "bind","alice","a2V5","2026-12-01T09:00:00.000Z"]',
      '["fuv-kt-binding/v2","bind","alice","a2V5","2026-12-01T09:00:00.000Z"]',
      '["fuv-kt-binding/v1","steal","alice","a2V5","2026-12-01T09:00:00.000Z"]',
      '["fuv-kt-binding/v1","bind","alice","a2V5"]',
      '["fuv-kt-tree-head/v1",3,"00","2026-12-01T09:00:00.000Z"]',
      'not json',
    ])
      expect(parseBindingLeaf(utf8(other))).toBeUndefined();
  });

  it('checks a tree head signed with the server key (RSA-PSS, 32-byte salt) and nothing else', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    });
    const head = {
      size: 3,
      rootHash: 'ab'.repeat(32),
      timestamp: '2026-12-01T09:00:00.000Z',
    };
    const signature = sign('sha256', treeHeadBytes(head), {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    }).toString('base64');
    const key = await crypto.subtle.importKey(
      'spki',
      new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    expect(await treeHeadSignedBy({ ...head, signature }, key)).toBe(true);
    expect(await treeHeadSignedBy({ ...head, size: 4, signature }, key)).toBe(
      false,
    );
    expect(await treeHeadSignedBy({ ...head, signature: 'AAAA' }, key)).toBe(
      false,
    );
  });
});
