import { Injectable } from '@nestjs/common';
import {
  type Binding,
  type ConsistencyProofPayload,
  ErrorCode,
  type Hash,
  type InclusionProofPayload,
  LOG_ENTRIES_PAGE,
  type LogEntriesPayload,
  type TreeHeadPayload,
  bindingLeaf,
  consistencyProof,
  fromBase64,
  inclusionProof,
  leafHash,
  toBase64,
  treeHash,
  treeHeadBytes,
} from '@app/shared';

import { DomainException } from '../common/domain.exception';
import { CryptoService } from '../crypto/crypto.service';
import { KeyLogRepository } from './key-log.repository';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * The key-transparency log: an append-only RFC 9162 Merkle tree of name-to-key bindings in the
 * database, its leaf hashes cached here (read again from the database before each answer, so
 * that the instances of a cluster serve one log), and a head signed by the server key whenever
 * the tree has grown.
 */
@Injectable()
export class KeyLogService {
  private readonly hashes: Hash[] = [];
  private head?: TreeHeadPayload;
  /** Reads from the database one at a time: two answers never append the same leaves twice. */
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(
    private readonly leaves: KeyLogRepository,
    private readonly crypto: CryptoService,
  ) {}

  /**
   * Appends a binding, found later by `nameKey` (the folded name: a proof asked for any spelling
   * of a name finds it); resolves with its leaf index.
   */
  async append(binding: Binding, nameKey: string): Promise<number> {
    return this.leaves.append(nameKey, toBase64(bindingLeaf(binding)));
  }

  /** The latest tree head, signed (a new signature only when the tree grew). */
  async latestHead(): Promise<TreeHeadPayload> {
    const size = await this.catchUp();
    if (this.head?.size === size) return this.head;
    const unsigned = {
      size,
      rootHash: hex(await treeHash(this.hashes.slice(0, size))),
      timestamp: new Date().toISOString(),
    };
    const signature = await this.crypto.sign(treeHeadBytes(unsigned));
    const head = { ...unsigned, signature: signature.toString('base64') };
    await this.leaves.recordHead(head);
    // another request may have signed a larger head meanwhile: that one stays the latest
    if ((this.head?.size ?? -1) < size) this.head = head;
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
    const path = await inclusionProof(
      latest.index,
      this.hashes.slice(0, treeSize),
    );
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
    const path = await consistencyProof(from, this.hashes.slice(0, to));
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

  /** Brings the cached leaf hashes up to the database; resolves with the tree's size. */
  private catchUp(): Promise<number> {
    const done = this.catchingUp.then(async () => {
      for (const row of await this.leaves.from(this.hashes.length))
        if (row.index === this.hashes.length)
          this.hashes.push(await leafHash(fromBase64(row.leaf)));
      return this.hashes.length;
    });
    this.catchingUp = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }
}
