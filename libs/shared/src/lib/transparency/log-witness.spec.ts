import { toBase64 } from '../crypto/bytes';
import type { TreeHeadPayload } from '../protocol/payloads/transparency.payload';
import { type Binding, bindingLeaf, treeHeadBytes } from './key-log';
import {
  KeyLogError,
  KeyLogFreshness,
  type KeyLogSource,
  KeyLogWitness,
} from './log-witness';
import { consistencyProof, inclusionProof, leafHash, treeHash } from './merkle';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const PSS = { name: 'RSA-PSS', hash: 'SHA-256' } as const;

/** A log server in memory: real trees, real proofs, heads signed with a real RSA-PSS key. */
class MemoryLog implements KeyLogSource {
  readonly leaves: Uint8Array[] = [];
  /** When its heads say they were signed (default: now). */
  signedAt?: string;
  /** Set: consistency requests fail as the server makes them fail (E65). */
  withhold?: Error;

  constructor(private readonly signingKey: CryptoKey) {}

  append(name: string, key: string, kind: Binding['kind'] = 'bind'): void {
    this.leaves.push(
      bindingLeaf({ kind, name, key, at: '2026-12-01T10:00:00.000Z' }),
    );
  }

  private hashes(size = this.leaves.length) {
    return Promise.all(this.leaves.slice(0, size).map(leafHash));
  }

  async headAt(size: number): Promise<TreeHeadPayload> {
    const unsigned = {
      size,
      rootHash: hex(await treeHash(await this.hashes(size))),
      timestamp: this.signedAt ?? new Date().toISOString(),
    };
    const signature = await crypto.subtle.sign(
      { name: 'RSA-PSS', saltLength: 32 },
      this.signingKey,
      new Uint8Array(treeHeadBytes(unsigned)),
    );
    return { ...unsigned, signature: toBase64(new Uint8Array(signature)) };
  }

  head() {
    return this.headAt(this.leaves.length);
  }

  async proof(name: string, size: number) {
    const leaves = this.leaves.slice(0, size);
    let index = -1;
    leaves.forEach((leaf, i) => {
      if (new TextDecoder().decode(leaf).includes(`"${name}"`)) index = i;
    });
    const path = await inclusionProof(index, await this.hashes(size));
    return { index, size, leaf: toBase64(leaves[index]), path: path.map(hex) };
  }

  async consistency(from: number, to: number) {
    if (this.withhold) throw this.withhold;
    const path = await consistencyProof(from, await this.hashes(to));
    return { from, to, path: path.map(hex) };
  }
}

describe('KeyLogWitness (the client side of key transparency)', () => {
  let keys: CryptoKeyPair;
  let log: MemoryLog;

  beforeAll(async () => {
    keys = (await crypto.subtle.generateKey(
      {
        ...PSS,
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
      },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
  });

  beforeEach(() => {
    log = new MemoryLog(keys.privateKey);
    log.append('alice', 'a2V5LWE=');
    log.append('bob', 'a2V5LWI=');
    log.append('carol', 'a2V5LWM=');
  });

  it('accepts a signed head, then only heads that extend it, and keeps the larger', async () => {
    const witness = new KeyLogWitness(log, keys.publicKey);
    expect((await witness.refresh()).size).toBe(3);
    log.append('alice', 'a2V5LWEy');
    log.append('dave', 'a2V5LWQ=');
    expect((await witness.refresh()).size).toBe(5);
    // an older head of the same history is no contradiction; the newer stays kept
    await witness.accept(await log.headAt(4));
    expect(witness.head?.size).toBe(5);
  });

  it('E65: refuses a latest head older than a day (a server holding the browser at an old view), and an unsigned one as unsigned', async () => {
    const now = Date.parse('2026-12-08T12:00:00.000Z');
    const witness = new KeyLogWitness(
      log,
      keys.publicKey,
      undefined,
      () => now,
    );
    log.signedAt = new Date(
      now - KeyLogFreshness.maxHeadAgeMs - 1000,
    ).toISOString();
    await expect(witness.refresh()).rejects.toMatchObject({
      problem: 'stale',
    });
    expect(witness.head).toBeUndefined();
    // an old head forged with a fresh-looking signature is still caught by its signature
    const old = await log.head();
    const forged = { ...old, signature: (await log.headAt(2)).signature };
    const lying = new KeyLogWitness(
      {
        ...log,
        head: async () => forged,
        proof: log.proof.bind(log),
        consistency: log.consistency.bind(log),
      },
      keys.publicKey,
      undefined,
      () => now,
    );
    await expect(lying.refresh()).rejects.toMatchObject({
      problem: 'unsigned',
    });
    // re-signed within the day: accepted
    log.signedAt = new Date(now - KeyLogFreshness.resignAfterMs).toISOString();
    expect((await witness.refresh()).size).toBe(3);
    // a contact's gossiped head may be older: freshness is asked of the server's answer only
    log.signedAt = '2026-11-01T00:00:00.000Z';
    log.append('dave', 'a2V5LWQ=');
    expect((await witness.accept(await log.head())).size).toBe(4);
  });

  it('E65: two heads the server does not prove consistent (404, timeout, any error) fail closed, both kept as evidence', async () => {
    const kept = await log.head();
    const witness = new KeyLogWitness(log, keys.publicKey, kept);
    log.append('dave', 'a2V5LWQ=');
    const gossiped = await log.head();
    log.withhold = new Error('404 Not Found');
    const error = await witness.accept(gossiped).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyLogError);
    expect(error).toMatchObject({ problem: 'unproven' });
    expect((error as KeyLogError).evidence.map((h) => h.size)).toEqual([3, 4]);
    expect(witness.head).toEqual(kept);
    // once the server answers, the same head is accepted
    log.withhold = undefined;
    expect((await witness.accept(gossiped)).size).toBe(4);
  });

  it('fails closed on a head the server key did not sign', async () => {
    const witness = new KeyLogWitness(log, keys.publicKey);
    const head = await log.head();
    await expect(witness.accept({ ...head, size: 2 })).rejects.toMatchObject({
      problem: 'unsigned',
    });
    expect(witness.head).toBeUndefined();
  });

  it('catches a fork: a signed head of another history, kept with the head it contradicts', async () => {
    const kept = await log.head();
    const witness = new KeyLogWitness(log, keys.publicKey, kept);
    // the server rewrites bob's binding and shows this client the new history
    log.leaves[1] = bindingLeaf({
      kind: 'bind',
      name: 'bob',
      key: 'c3dhcHBlZA==',
      at: '2026-12-01T10:00:00.000Z',
    });
    log.append('eve', 'a2V5LWU=');
    const error = await witness.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyLogError);
    expect(error).toMatchObject({ problem: 'forked' });
    expect((error as KeyLogError).evidence.map((h) => h.size)).toEqual([3, 4]);
    // the same size with another root is a fork as well
    const sameSize = await log.headAt(3);
    await expect(witness.accept(sameSize)).rejects.toMatchObject({
      problem: 'forked',
    });
    expect(witness.head).toEqual(kept);
  });

  it("proves a name's binding in the accepted head and refuses a proof about anything else", async () => {
    const witness = new KeyLogWitness(log, keys.publicKey);
    expect(await witness.lookup('bob')).toMatchObject({
      kind: 'bind',
      name: 'bob',
      key: 'a2V5LWI=',
      index: 1,
      size: 3,
    });
    // the server answers with carol's leaf for bob, or with a leaf that is not in the tree
    const carol = await log.proof('carol', 3);
    const lying = new KeyLogWitness(
      {
        head: () => log.head(),
        consistency: (a, b) => log.consistency(a, b),
        proof: async () => carol,
      },
      keys.publicKey,
    );
    await expect(lying.lookup('bob')).rejects.toMatchObject({
      problem: 'bad_proof',
    });
    const forged = {
      ...(await log.proof('bob', 3)),
      leaf: toBase64(
        bindingLeaf({
          kind: 'bind',
          name: 'bob',
          key: 'c3dhcHBlZA==',
          at: '2026-12-01T10:00:00.000Z',
        }),
      ),
    };
    const forging = new KeyLogWitness(
      {
        head: () => log.head(),
        consistency: (a, b) => log.consistency(a, b),
        proof: async () => forged,
      },
      keys.publicKey,
    );
    await expect(forging.lookup('bob')).rejects.toMatchObject({
      problem: 'bad_proof',
    });
  });
});
