/**
 * The client's side of key transparency (E57): it accepts a tree head only when the server key
 * signed it and it extends the last head this client kept (an RFC 9162 consistency proof), and
 * it believes a name's key only with an inclusion proof in that head. It trusts nothing the
 * server says about keys without both.
 */
import type {
  ConsistencyProofPayload,
  InclusionProofPayload,
  TreeHeadPayload,
} from '../protocol/payloads/transparency.payload';
import { fromBase64 } from '../crypto/bytes';
import { type Binding, parseBindingLeaf, treeHeadSignedBy } from './key-log';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle';

/** Where the log is read from (the public REST endpoints, in the browser). */
export interface KeyLogSource {
  head(): Promise<TreeHeadPayload>;
  proof(name: string, size: number): Promise<InclusionProofPayload>;
  consistency(from: number, to: number): Promise<ConsistencyProofPayload>;
}

/**
 * How fresh the log's latest head must be (E65): the server signs its head again once it is an
 * hour old, even when nothing was added, so a browser refuses one older than a day. Otherwise a
 * server could keep a browser at an old head for ever (frozen at a fork point) and gossip could
 * never catch it.
 */
export const KeyLogFreshness = {
  /** A latest head older than this is refused. */
  maxHeadAgeMs: 24 * 60 * 60_000,
  /** The server signs a new head once its latest is this old. */
  resignAfterMs: 60 * 60_000,
} as const;

/**
 * `unsigned`: a head the server key did not sign; `forked`: a head that does not extend the kept
 * one (another history, a rollback, a dropped binding); `bad_proof`: a binding not proven in
 * the head, or a leaf about another name; `stale`: a latest head older than
 * `KeyLogFreshness.maxHeadAgeMs` (E65); `unproven`: two heads whose consistency the server did
 * not prove (no answer, an error, a timeout): they may be a fork, so they fail closed (E65).
 */
export type KeyLogProblem =
  | 'unsigned'
  | 'forked'
  | 'bad_proof'
  | 'stale'
  | 'unproven';

export class KeyLogError extends Error {
  constructor(
    readonly problem: KeyLogProblem,
    /** The heads that contradict each other (a fork's evidence: both signed by the server). */
    readonly evidence: TreeHeadPayload[] = [],
  ) {
    super(`key log: ${problem}`);
    this.name = 'KeyLogError';
  }
}

const fromHex = (hex: string): Uint8Array => {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new KeyLogError('bad_proof');
  return Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
};

/** A binding the client checked: the leaf proven in the head of `size` leaves. */
export interface ProvenBinding extends Binding {
  index: number;
  size: number;
}

export class KeyLogWitness {
  constructor(
    private readonly source: KeyLogSource,
    private readonly serverKey: CryptoKey,
    /** The last head this client accepted (kept across sessions by the caller). */
    private kept?: TreeHeadPayload,
    private readonly now: () => number = Date.now,
  ) {}

  get head(): TreeHeadPayload | undefined {
    return this.kept;
  }

  /** Fetches the latest head and accepts it only if signed and consistent with the kept one. */
  async refresh(): Promise<TreeHeadPayload> {
    const latest = await this.source.head();
    // the server's latest head is never older than a day (it re-signs hourly): an older one is
    // a server holding this browser at an old view (E65); a gossiped head may well be older
    const signedAt = Date.parse(latest.timestamp);
    if (
      !Number.isFinite(signedAt) ||
      this.now() - signedAt > KeyLogFreshness.maxHeadAgeMs
    ) {
      if (!(await treeHeadSignedBy(latest, this.serverKey)))
        throw new KeyLogError('unsigned', [latest]);
      throw new KeyLogError('stale', [latest]);
    }
    return this.accept(latest);
  }

  /**
   * Accepts `offered` (from the server or gossiped by a contact) if the server key signed it and
   * it and the kept head are one history; the larger of the two is kept. Fails closed.
   */
  async accept(offered: TreeHeadPayload): Promise<TreeHeadPayload> {
    if (!(await treeHeadSignedBy(offered, this.serverKey)))
      throw new KeyLogError('unsigned', [offered]);
    const kept = this.kept;
    if (!kept) return (this.kept = offered);
    const [older, newer] =
      kept.size <= offered.size ? [kept, offered] : [offered, kept];
    let consistent: boolean;
    if (older.size === newer.size)
      consistent = older.rootHash === newer.rootHash;
    else {
      let proof: ConsistencyProofPayload;
      try {
        proof = await this.source.consistency(older.size, newer.size);
      } catch {
        // no proof is no proof, whatever the reason (404, timeout, a refusal): fail closed
        throw new KeyLogError('unproven', [kept, offered]);
      }
      consistent =
        proof.from === older.size &&
        proof.to === newer.size &&
        (await verifyConsistency(
          older.size,
          newer.size,
          fromHex(older.rootHash),
          fromHex(newer.rootHash),
          proof.path.map(fromHex),
        ));
    }
    if (!consistent) throw new KeyLogError('forked', [kept, offered]);
    this.kept = newer;
    return newer;
  }

  /** The name's latest binding, proven in a freshly accepted head. */
  async lookup(name: string): Promise<ProvenBinding> {
    const head = await this.refresh();
    const proof = await this.source.proof(name, head.size);
    let leaf: Uint8Array;
    try {
      leaf = fromBase64(proof.leaf);
    } catch {
      throw new KeyLogError('bad_proof');
    }
    const binding = parseBindingLeaf(leaf);
    const proven =
      binding !== undefined &&
      binding.name.toLowerCase() === name.toLowerCase() &&
      proof.size === head.size &&
      (await verifyInclusion(
        proof.index,
        proof.size,
        await leafHash(leaf),
        proof.path.map(fromHex),
        fromHex(head.rootHash),
      ));
    if (!proven || !binding) throw new KeyLogError('bad_proof');
    return { ...binding, index: proof.index, size: proof.size };
  }
}
