import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import {
  type ConsistencyProofPayload,
  type InclusionProofPayload,
  KeyLogError,
  type KeyLogSource,
  KeyLogWitness,
  type ProvenBinding,
  type TreeHeadPayload,
  toBase64,
} from '@app/shared';
import { firstValueFrom } from 'rxjs';

import { NotifyService } from '../notify/notify.service';
import { SocketService } from '../realtime/socket.service';
import { IdentityStore } from './identity.store';
import { Vault } from './vault';

const KEPT_HEAD = 'key-log:head';
const EVIDENCE = 'key-log:evidence';
/** How often our own name is checked again while signed in (issue 25: at least every 10 min). */
const OWN_NAME_CHECK_MS = 10 * 60_000;

const PROBLEMS: Record<KeyLogError['problem'], string> = {
  unsigned:
    'The server sent a key-log head its key did not sign. Keys were not trusted.',
  forked:
    'The server showed this browser a key log that contradicts the one it showed before. Both signed heads were kept as evidence; keys were not trusted.',
  bad_proof:
    'The server could not prove a key in its key log. That key was not trusted.',
  stale:
    'The server answered with a key-log head more than a day old: it may be holding this browser at an old view of the keys. Keys were not trusted.',
  unproven:
    "The server did not prove that a contact's view of the key log and yours are one history: it may be showing you different keys. Both signed heads were kept; nothing is sent to that contact until it is proven.",
};

/**
 * The browser's key-transparency checks (E57): every head must be signed by the server key the
 * handshake proved and extend the head this browser kept (kept in the vault across visits);
 * every key used must be proven in it. A contradiction is kept as evidence and the user warned.
 */
@Injectable({ providedIn: 'root' })
export class KeyLogService {
  private readonly http = inject(HttpClient);
  private readonly vault = inject(Vault);
  private readonly socket = inject(SocketService);
  private readonly identity = inject(IdentityStore);
  private readonly notify = inject(NotifyService);
  private own?: { name: string; holds: Promise<boolean> };
  private ownTimer?: ReturnType<typeof setInterval>;
  /** One check at a time: each accepted head is the next one's starting point. */
  private queue: Promise<unknown> = Promise.resolve();

  private readonly source: KeyLogSource = {
    head: () => this.get<TreeHeadPayload>('head'),
    proof: (name, size) =>
      this.get<InclusionProofPayload>('proof', { name, size }),
    consistency: (from, to) =>
      this.get<ConsistencyProofPayload>('consistency', { from, to }),
  };

  /** The name's key as the log proves it; undefined (and the user warned) when it cannot. */
  keyOf(name: string): Promise<ProvenBinding | undefined> {
    return this.checked((witness) => witness.lookup(name));
  }

  /**
   * Watches our own name (E66, in part): checked now (each login and resume), every 10 minutes
   * while signed in, and again before a private send after a failed check.
   */
  watchOwnName(name: string): void {
    clearInterval(this.ownTimer);
    this.own = { name, holds: this.checkOwnName(name) };
    this.ownTimer = setInterval(() => {
      if (this.own?.name === name)
        this.own = { name, holds: this.checkOwnName(name) };
    }, OWN_NAME_CHECK_MS);
  }

  /** Stops watching (signed out). */
  forgetOwnName(): void {
    clearInterval(this.ownTimer);
    this.own = undefined;
  }

  /**
   * Whether the log binds `name` to this browser's key: private messages wait for it, and a
   * failed check is made again before they are refused (the server may have answered since).
   */
  async ownNameHolds(name: string): Promise<boolean> {
    if (this.own?.name !== name)
      this.own = { name, holds: this.checkOwnName(name) };
    if (await this.own.holds) return true;
    this.own = { name, holds: this.checkOwnName(name) };
    return this.own.holds;
  }

  /** Is our own name still bound to this browser's key? */
  async checkOwnName(name: string): Promise<boolean> {
    // not connected: nothing to check against yet (and nothing to send)
    if (!this.socket.serverKey()) return false;
    const [binding, mine] = await Promise.all([
      this.keyOf(name),
      this.identity.key(),
    ]);
    if (!binding) {
      this.notify.error(
        `The key log could not confirm that "${name}" is bound to this browser's identity key. Private messages wait until it does.`,
      );
      return false;
    }
    const own = binding.kind === 'bind' && binding.key === toBase64(mine.spki);
    if (!own)
      this.notify.error(
        `The key log does not bind "${name}" to this browser's identity key: someone else's key may be answering for you.`,
      );
    return own;
  }

  /** The head this browser last accepted: it travels inside each end-to-end message sent. */
  keptHead(): Promise<TreeHeadPayload | undefined> {
    return this.vault.get<TreeHeadPayload>(KEPT_HEAD);
  }

  /**
   * A head a contact's browser accepted, from inside their end-to-end message: it must be one
   * history with ours, or the server shows the two of us different logs (warned, evidence kept).
   */
  async gossip(head: TreeHeadPayload): Promise<boolean> {
    return (
      (await this.checked((witness) => witness.accept(head))) !== undefined
    );
  }

  /** Signed heads that contradict each other, as kept (newest pair last). */
  evidence(): Promise<TreeHeadPayload[][]> {
    return this.vault.get<TreeHeadPayload[][]>(EVIDENCE).then((e) => e ?? []);
  }

  /** Pairs of heads kept as evidence (loaded by `countEvidence`, kept current after). */
  readonly evidenceCount = signal(0);

  async countEvidence(): Promise<void> {
    this.evidenceCount.set((await this.evidence()).length);
  }

  /**
   * The kept evidence as a file the user can hand to anyone (E65): each pair is two heads the
   * server signed that it did not prove one history; anyone with the server's public key can
   * check the signatures (`npm run kt:verify` checks heads against the log).
   */
  async evidenceFile(): Promise<Blob> {
    const file = {
      format: 'fuv-kt-gossip-evidence',
      version: 1,
      savedAt: new Date().toISOString(),
      serverFingerprint: this.socket.fingerprint() ?? null,
      pairs: await this.evidence(),
    };
    return new Blob([JSON.stringify(file, null, 2)], {
      type: 'application/json',
    });
  }

  private checked<T>(
    check: (witness: KeyLogWitness) => Promise<T>,
  ): Promise<T | undefined> {
    const run = this.queue.then(async () => {
      const serverKey = this.socket.serverKey();
      if (!serverKey) return undefined;
      const kept = await this.vault.get<TreeHeadPayload>(KEPT_HEAD);
      const witness = new KeyLogWitness(this.source, serverKey, kept);
      try {
        return await check(witness);
      } catch (error) {
        if (!(error instanceof KeyLogError)) throw error;
        if (error.evidence.length > 1) {
          const kept = [...(await this.evidence()), error.evidence];
          await this.vault.put(EVIDENCE, kept);
          this.evidenceCount.set(kept.length);
        }
        this.notify.error(PROBLEMS[error.problem]);
        return undefined;
      } finally {
        if (witness.head && witness.head !== kept)
          await this.vault.put(KEPT_HEAD, witness.head);
      }
    });
    this.queue = run.catch(() => undefined);
    return run.catch(() => undefined);
  }

  private get<T>(
    path: string,
    query: Record<string, string | number> = {},
  ): Promise<T> {
    return firstValueFrom(
      this.http.get<T>(`/api/transparency/${path}`, {
        params: new HttpParams({ fromObject: query }),
      }),
    );
  }
}
