/**
 * Safety numbers as Signal computes them (libsignal's `NumericFingerprintGenerator`, version 0,
 * 5,200 iterations of SHA-512): 30 digits for each side from its identity key and name, the
 * smaller half first, so both people see the same 60 digits. Here the key is the identity key's
 * SPKI and the name is the one the key bound.
 */
import { bufferSource, concatBytes, utf8 } from '../crypto/bytes';

const ITERATIONS = 5200;
const VERSION = new Uint8Array([0, 0]);

export interface SafetyParty {
  /** Public identity key bytes (SPKI for our keys). */
  key: Uint8Array;
  /** Stable identifier: the bound username. */
  name: string;
}

async function sha512(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.digest('SHA-512', bufferSource(bytes)),
  );
}

/** 30 digits: six 5-byte big-endian chunks of the iterated hash, each modulo 100,000. */
async function half({ key, name }: SafetyParty): Promise<string> {
  let hash = await sha512(concatBytes(VERSION, key, utf8(name), key));
  for (let i = 1; i < ITERATIONS; i++)
    hash = await sha512(concatBytes(hash, key));
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (const byte of hash.subarray(chunk * 5, chunk * 5 + 5))
      value = value * 256 + byte; // 40 bits: exact in a double
    digits += String(value % 100_000).padStart(5, '0');
  }
  return digits;
}

/** The 60 digits both sides compare (the same whichever side computes it). */
export async function safetyNumber(
  local: SafetyParty,
  remote: SafetyParty,
): Promise<string> {
  const [a, b] = await Promise.all([half(local), half(remote)]);
  return a < b ? a + b : b + a;
}

/** Twelve groups of five digits, as people read them out to each other. */
export function formatSafetyNumber(digits: string): string {
  return (digits.match(/.{1,5}/g) ?? []).join(' ');
}
