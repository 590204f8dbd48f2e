import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type Binding,
  type ConsistencyProofPayload,
  ErrorCode,
  type InclusionProofPayload,
  KeyLogFreshness,
  LOG_ENTRIES_PAGE,
  type LogEntriesPayload,
  MerkleTree,
  type TreeHeadPayload,
  bindingLeaf,
  fromBase64,
  leafHash,
  toBase64,
  treeHeadBytes,
} from '@app/shared';

import { DomainException } from '../common/domain.exception';
import { CryptoService } from '../crypto/crypto.service';
import { KeyLogRepository } from './key-log.repository';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * The key-transparency log: an append-only RFC 9162 Merkle tree of name-to-key bindings in the
 * database, and a head signed by the server key whenever the tree has grown. The tree is kept
 * here with its subtree hashes (L70: a root or proof of any size costs O(log n) hashes, never a
 * walk over the log), built from the database at start and brought up to it before each answer
 * by reading only the leaves it lacks, so that the instances of a cluster serve one log.
 */
@Injectable()
export class KeyLogService implements OnModuleInit {
  private readonly tree = new MerkleTree();
  private head?: TreeHeadPayload;
  /** Reads from the database one at a time: two answers never append the same leaves twice. */
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(
    private readonly leaves: KeyLogRepository,
    private readonly crypto: CryptoService,
  ) {}

  /** Builds the tree from the stored leaves before the first request asks for it. */
  async onModuleInit(): Promise<void> {
    await this.catchUp();
  }

  /**
   * Appends a binding, found later by `nameKey` (the folded name: a proof asked for any spelling
   * of a name finds it); resolves with its leaf index.
   */
  async append(binding: Binding, nameKey: string): Promise<number> {
    return this.leaves.append(nameKey, toBase64(bindingLeaf(binding)));
  }

  /**
   * The latest tree head, signed: a new signature when the tree grew, and when the latest is an
   * hour old (browsers refuse one older than a day, E65: a quiet log still has a fresh head).
   */
  async latestHead(): Promise<TreeHeadPayload> {
    const size = await this.catchUp();
    if (
      this.head?.size === size &&
      Date.now() - Date.parse(this.head.timestamp) <
        KeyLogFreshness.resignAfterMs
    )
      return this.head;
    const unsigned = {
      size,
      rootHash: hex(await this.tree.root(size)),
      timestamp: new Date().toISOString(),
    };
    const signature = await this.crypto.sign(treeHeadBytes(unsigned));
    const head = { ...unsigned, signature: signature.toString('base64') };
    await this.leaves.recordHead(head);
    // another request may have signed a larger head meanwhile: that one stays the latest
    if ((this.head?.size ?? -1) <= size) this.head = head;
    return head;
  }

  /** The name's latest binding in the tree of `size` leaves (default: all) and its audit path. */
  async proof(name: string, size?: number): Promise<InclusionProofPayload> {
    const available = await this.catchUp();
    const treeSize = this.checkSize(size ?? available, available);
    const latest = await this.leaves.latestFor(name, treeSize);
    if (!latest)
      throw new DomainException(
        ErrorCode.NotFound,
        'The log holds no binding for this name.',
      );
    const path = await this.tree.inclusionProof(latest.index, treeSize);
    return {
      index: latest.index,
      size: treeSize,
      leaf: latest.leaf,
      path: path.map(hex),
    };
  }

  /** The consistency proof from the tree of `from` leaves to the tree of `to`. */
  async consistency(
    from: number,
    to: number,
  ): Promise<ConsistencyProofPayload> {
    const size = await this.catchUp();
    this.checkSize(to, size);
    if (from > to)
      throw new DomainException(
        ErrorCode.InvalidPayload,
        'from must not be larger than to.',
        'from',
      );
    const path = await this.tree.consistencyProof(from, to);
    return { from, to, path: path.map(hex) };
  }

  /** Leaves `start` to `end` (exclusive), at most a page, as base64. */
  async entries(start: number, end: number): Promise<LogEntriesPayload> {
    if (end < start)
      throw new DomainException(
        ErrorCode.InvalidPayload,
        'end must not be smaller than start.',
        'end',
      );
    const rows = await this.leaves.range(
      start,
      Math.min(end, start + LOG_ENTRIES_PAGE),
    );
    return { entries: rows.map((row) => row.leaf) };
  }

  private checkSize(size: number, available: number): number {
    if (size > available)
      throw new DomainException(
        ErrorCode.NotFound,
        `The log has ${available} leaves.`,
        'size',
      );
    return size;
  }

  /**
   * Brings the kept tree up to the database (the leaves any instance appended since it last
   * looked, and no others); resolves with the tree's size.
   */
  private catchUp(): Promise<number> {
    const done = this.catchingUp.then(async () => {
      for (const row of await this.leaves.from(this.tree.size))
        if (row.index === this.tree.size)
          await this.tree.append(await leafHash(fromBase64(row.leaf)));
      return this.tree.size;
    });
    this.catchingUp = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }
}
