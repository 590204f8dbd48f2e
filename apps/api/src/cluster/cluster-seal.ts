import { hkdfKey, openAesGcm, sealAesGcm } from '@app/shared/node';

/** An event between instances as Redis carries it: sender, nonce, time sealed, ciphertext and tag. */
export interface SealedClusterEvent {
  from: string;
  n: string;
  /** Epoch ms when sealed (authenticated): old events are refused, even by a new instance. */
  t: number;
  b: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_ID_CHARS = 64;
/** Older events are refused: nothing an instance acts on is stale (R45). */
const MAX_AGE_MS = 60_000;
/** Clocks of instances may differ by this much. */
const CLOCK_SKEW_MS = 2_000;

function isSealed(value: unknown): value is SealedClusterEvent {
  const v = value as Partial<SealedClusterEvent> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.from === 'string' &&
    v.from.length <= MAX_ID_CHARS &&
    typeof v.n === 'string' &&
    Number.isSafeInteger(v.t) &&
    typeof v.b === 'string'
  );
}

const associated = (from: string, event: string, t: number, bound: string) =>
  Buffer.from(`${from}\n${event}\n${t}\n${bound}`);

/**
 * Events between instances cross Redis encrypted and authenticated, so Redis (and whoever can
 * read or write it) sees no message text, no name, and cannot inject or replay an event.
 * AES-256-GCM under a key each instance derives with HKDF from the cluster secret
 * (`keys/cluster.key`, shared like the server key) and its own random id; the nonce is a counter,
 * so none repeats under a key. Sender, event name, the time it was sealed and what it answers
 * (`bound`: an answer is bound to its request) are associated data. A counter not above the
 * last one opened from that sender for that event is a replay and is refused (one sender's
 * events of one name arrive in order over its one Redis connection); so is an event sealed
 * before this instance started or over a minute ago, which an instance started later would
 * otherwise take as new (R45).
 */
export class ClusterSeal {
  private sent = 0n;
  private readonly keys = new Map<string, Buffer>();
  private readonly lastOpened = new Map<string, bigint>();

  constructor(
    private readonly secret: Buffer,
    private readonly instanceId: string,
    private readonly startedAt = Date.now(),
  ) {}

  seal(
    event: string,
    payload: unknown,
    bound = '',
    now = Date.now(),
  ): SealedClusterEvent {
    const nonce = Buffer.alloc(NONCE_BYTES);
    nonce.writeBigUInt64BE(++this.sent, NONCE_BYTES - 8);
    const body = sealAesGcm(
      this.keyOf(this.instanceId),
      nonce,
      associated(this.instanceId, event, now, bound),
      Buffer.from(JSON.stringify(payload)),
    );
    return {
      from: this.instanceId,
      n: nonce.toString('base64'),
      t: now,
      b: body.toString('base64'),
    };
  }

  /** The payload; undefined for anything forged, damaged, misnamed, stale or replayed. */
  open(event: string, sealed: unknown, bound = '', now = Date.now()): unknown {
    if (!isSealed(sealed)) return undefined;
    if (
      sealed.t < this.startedAt - CLOCK_SKEW_MS ||
      sealed.t < now - MAX_AGE_MS ||
      sealed.t > now + CLOCK_SKEW_MS
    )
      return undefined;
    const nonce = Buffer.from(sealed.n, 'base64');
    const body = Buffer.from(sealed.b, 'base64');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES)
      return undefined;
    const counter = nonce.readBigUInt64BE(NONCE_BYTES - 8);
    const stream = `${sealed.from}\n${event}`;
    if (counter <= (this.lastOpened.get(stream) ?? 0n)) return undefined;
    try {
      const plain = openAesGcm(
        this.keyOf(sealed.from),
        nonce,
        associated(sealed.from, event, sealed.t, bound),
        body,
      );
      this.lastOpened.set(stream, counter);
      if (!this.keys.has(sealed.from))
        this.keys.set(sealed.from, this.keyOf(sealed.from));
      return JSON.parse(plain.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /** Derived per sender; remembered for this instance and for senders that sent something genuine. */
  private keyOf(instanceId: string): Buffer {
    return (
      this.keys.get(instanceId) ??
      hkdfKey(this.secret, instanceId, 'fuv-chat/cluster-event/v1')
    );
  }
}
