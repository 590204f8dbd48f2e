import { formatSafetyNumber, safetyNumber } from './safety-number';

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/**
 * Each number is 2 × 5,200 sequential Web Crypto digests: about a second per number on a busy
 * 2-core CI machine (with lint and other suites beside it), past jest's default 5 s for three.
 */
const DIGESTS_TIMEOUT_MS = 30_000;

describe('safety numbers (Signal’s numeric fingerprint)', () => {
  // libsignal's own test vector (rust/protocol/src/fingerprint.rs), 5,200 iterations
  const alice = {
    key: fromHex(
      '0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868',
    ),
    name: '+14152222222',
  };
  const bob = {
    key: fromHex(
      '05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b',
    ),
    name: '+14153333333',
  };

  it(
    'matches libsignal’s displayable fingerprint, the same on both sides',
    async () => {
      const expected =
        '300354477692869396892869876765458257569162576843440918079131';
      expect(await safetyNumber(alice, bob)).toBe(expected);
      expect(await safetyNumber(bob, alice)).toBe(expected);
    },
    DIGESTS_TIMEOUT_MS,
  );

  it(
    'changes with either key or name, and reads as twelve groups of five',
    async () => {
      const number = await safetyNumber(alice, bob);
      const otherKey = Uint8Array.from(bob.key);
      otherKey[10] ^= 1;
      expect(await safetyNumber(alice, { ...bob, key: otherKey })).not.toBe(
        number,
      );
      expect(
        await safetyNumber(alice, { ...bob, name: '+14153333334' }),
      ).not.toBe(number);
      expect(formatSafetyNumber(number)).toMatch(/^(\d{5} ){11}\d{5}$/);
      expect(number).toMatch(/^\d{60}$/);
    },
    DIGESTS_TIMEOUT_MS,
  );
});
