/**
 * The MLS working group's interoperability test vectors (mlswg/mls-implementations, as the
 * ts-mls repository ships them; see test-vectors/README.md) run against the ts-mls version we
 * pin: the RFC 9420 primitives (crypto-basics) and joining from a Welcome another implementation
 * made (welcome), for every ciphersuite this build can run, ours (7) included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  type CiphersuiteImpl,
  type CiphersuiteName,
  type KeyPackage,
  type Welcome,
  decodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from 'ts-mls';

import { MLS_SUITE } from './ts-mls-engine';

type Vector = Record<string, unknown> & { cipher_suite: number };

const vectors = (file: string): Vector[] =>
  JSON.parse(
    readFileSync(join(__dirname, 'test-vectors', file), 'utf8'),
  ) as Vector[];
const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Suites this build runs: the ones whose optional dependencies (ChaCha20, X448) are absent are not. */
const SUITES: Record<number, CiphersuiteName> = {
  1: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  2: 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256',
  5: 'MLS_256_DHKEMP521_AES256GCM_SHA512_P521',
  7: 'MLS_256_DHKEMP384_AES256GCM_SHA384_P384',
};

/** ts-mls's RFC 9420 building blocks (its modules are exported as `ts-mls/<path>.js`). */
interface Internals {
  kdf: {
    expandWithLabel(
      s: Uint8Array,
      l: string,
      c: Uint8Array,
      n: number,
      k: unknown,
    ): Promise<Uint8Array>;
    deriveSecret(s: Uint8Array, l: string, k: unknown): Promise<Uint8Array>;
    deriveTreeSecret(
      s: Uint8Array,
      l: string,
      g: number,
      n: number,
      k: unknown,
    ): Promise<Uint8Array>;
  };
  hash: { refhash(l: string, v: Uint8Array, h: unknown): Promise<Uint8Array> };
  signature: {
    verifyWithLabel(
      p: Uint8Array,
      l: string,
      c: Uint8Array,
      s: Uint8Array,
      sig: unknown,
    ): Promise<boolean>;
  };
  hpke: {
    decryptWithLabel(
      k: unknown,
      l: string,
      c: Uint8Array,
      e: Uint8Array,
      ct: Uint8Array,
      h: unknown,
    ): Promise<Uint8Array>;
  };
  keyPackage: {
    makeKeyPackageRef(k: KeyPackage, h: unknown): Promise<Uint8Array>;
  };
  welcome: {
    decryptGroupSecrets(
      k: unknown,
      ref: Uint8Array,
      w: Welcome,
      h: unknown,
    ): Promise<{ joinerSecret: Uint8Array } | undefined>;
    decryptGroupInfo(
      w: Welcome,
      j: Uint8Array,
      p: Uint8Array,
      cs: CiphersuiteImpl,
    ): Promise<unknown>;
  };
  groupInfo: {
    verifyGroupInfoConfirmationTag(
      gi: unknown,
      j: Uint8Array,
      p: Uint8Array,
      cs: CiphersuiteImpl,
    ): Promise<boolean>;
    verifyGroupInfoSignature(
      gi: unknown,
      p: Uint8Array,
      s: unknown,
    ): Promise<boolean>;
  };
}

async function internals(): Promise<Internals> {
  const load = (path: string) => import(`ts-mls/${path}.js`);
  const [kdf, hash, signature, hpke, keyPackage, welcome, groupInfo] =
    await Promise.all(
      [
        'crypto/kdf',
        'crypto/hash',
        'crypto/signature',
        'crypto/hpke',
        'keyPackage',
        'welcome',
        'groupInfo',
      ].map(load),
    );
  return {
    kdf,
    hash,
    signature,
    hpke,
    keyPackage,
    welcome,
    groupInfo,
  } as Internals;
}

// real MLS and P-384 in JavaScript: seconds on a busy machine; correctness, not timing
jest.setTimeout(30_000);

describe('MLS interoperability test vectors (RFC 9420) on the pinned ts-mls', () => {
  let mls: Internals;
  const impls = new Map<number, CiphersuiteImpl>();

  beforeAll(async () => {
    mls = await internals();
    for (const [id, name] of Object.entries(SUITES))
      impls.set(
        Number(id),
        await getCiphersuiteImpl(getCiphersuiteFromName(name)),
      );
  });

  it('covers the suite we use', () => {
    expect(Object.values(SUITES)).toContain(MLS_SUITE);
  });

  const runnable = (file: string) =>
    vectors(file).filter((v) => SUITES[v.cipher_suite] !== undefined);

  it.each(runnable('crypto-basics.json').map((v) => [v.cipher_suite, v]))(
    'crypto-basics, suite %i: RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret, VerifyWithLabel, DecryptWithLabel',
    async (suite, vector) => {
      const impl = impls.get(suite as number)!;
      const v = vector as Record<string, Record<string, string & number>>;
      const ref = v['ref_hash'];
      expect(
        hex(await mls.hash.refhash(ref.label, fromHex(ref.value), impl.hash)),
      ).toBe(ref.out);
      const expand = v['expand_with_label'];
      expect(
        hex(
          await mls.kdf.expandWithLabel(
            fromHex(expand.secret),
            expand.label,
            fromHex(expand.context),
            expand.length,
            impl.kdf,
          ),
        ),
      ).toBe(expand.out);
      const derive = v['derive_secret'];
      expect(
        hex(
          await mls.kdf.deriveSecret(
            fromHex(derive.secret),
            derive.label,
            impl.kdf,
          ),
        ),
      ).toBe(derive.out);
      const tree = v['derive_tree_secret'];
      expect(
        hex(
          await mls.kdf.deriveTreeSecret(
            fromHex(tree.secret),
            tree.label,
            tree.generation,
            tree.length,
            impl.kdf,
          ),
        ),
      ).toBe(tree.out);
      const signed = v['sign_with_label'];
      expect(
        await mls.signature.verifyWithLabel(
          fromHex(signed.pub),
          signed.label,
          fromHex(signed.content),
          fromHex(signed.signature),
          impl.signature,
        ),
      ).toBe(true);
      const sealed = v['encrypt_with_label'];
      const privateKey = await impl.hpke.importPrivateKey(fromHex(sealed.priv));
      expect(
        hex(
          new Uint8Array(
            await mls.hpke.decryptWithLabel(
              privateKey,
              sealed.label,
              fromHex(sealed.context),
              fromHex(sealed.kem_output),
              fromHex(sealed.ciphertext),
              impl.hpke,
            ),
          ),
        ),
      ).toBe(sealed.plaintext);
    },
  );

  it.each(runnable('welcome.json').map((v) => [v.cipher_suite, v]))(
    'welcome, suite %i: another implementation’s Welcome decrypts for its key package, with a valid confirmation tag and signature',
    async (suite, vector) => {
      const impl = impls.get(suite as number)!;
      const v = vector as Record<string, string>;
      const [welcome] = decodeMlsMessage(fromHex(v['welcome']), 0) ?? [];
      const [keyPackage] = decodeMlsMessage(fromHex(v['key_package']), 0) ?? [];
      if (
        welcome?.wireformat !== 'mls_welcome' ||
        keyPackage?.wireformat !== 'mls_key_package'
      )
        throw new Error('vector does not decode');
      const ref = await mls.keyPackage.makeKeyPackageRef(
        keyPackage.keyPackage,
        impl.hash,
      );
      const initKey = await impl.hpke.importPrivateKey(fromHex(v['init_priv']));
      const secrets = await mls.welcome.decryptGroupSecrets(
        initKey,
        ref,
        welcome.welcome,
        impl.hpke,
      );
      expect(secrets).toBeDefined();
      const psk = new Uint8Array(impl.kdf.size);
      const info = await mls.welcome.decryptGroupInfo(
        welcome.welcome,
        secrets!.joinerSecret,
        psk,
        impl,
      );
      expect(info).toBeDefined();
      expect(
        await mls.groupInfo.verifyGroupInfoConfirmationTag(
          info,
          secrets!.joinerSecret,
          psk,
          impl,
        ),
      ).toBe(true);
      expect(
        await mls.groupInfo.verifyGroupInfoSignature(
          info,
          fromHex(v['signer_pub']),
          impl.signature,
        ),
      ).toBe(true);
      // and a Welcome altered by one bit does not
      const altered = fromHex(v['welcome']);
      altered[altered.length - 3] ^= 1;
      const [bad] = decodeMlsMessage(altered, 0) ?? [];
      const badInfo =
        bad?.wireformat === 'mls_welcome'
          ? await mls.welcome
              .decryptGroupInfo(bad.welcome, secrets!.joinerSecret, psk, impl)
              .catch(() => undefined)
          : undefined;
      expect(badInfo).toBeUndefined();
    },
  );
});
