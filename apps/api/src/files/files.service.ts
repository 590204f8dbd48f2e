import { type Hash, createHash, randomUUID } from 'node:crypto';

import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  ErrorCode,
  type FileChunkPayload,
  type FileEndReason,
  type FileOfferPayload,
  type FileOfferedPayload,
  Limits,
  ServerEvent,
  chunkCountFor,
  fileEndedMessage,
  sanitizeFileName,
  sealedChunkBytes,
} from '@app/shared';

import { MetricsService } from '../metrics/metrics.service';
import { AuditService } from '../audit/audit.service';
import { ClusterService } from '../cluster/cluster.service';
import { AppConfigService } from '../config/app-config.service';
import { DeliveryService } from '../realtime/delivery.service';
import { type Member, Roster } from '../sessions/roster';
import { SessionsService } from '../sessions/sessions.service';
import { FileStore } from './file-store';
import { FilesException } from './files.exception';

interface Transfer {
  /** Server-generated storage id: the only name the data has on disk. */
  storageId: string;
  offer: FileOfferedPayload;
  /** The sender's session: a later user with the same name owns none of this. */
  senderSession: string;
  /**
   * Sessions that may accept it (the one recipient, or everyone online at the offer): never
   * names, so someone who takes a name its holder left mid-upload gets nothing (F46).
   */
  recipients: Set<string>;
  /** The sender's keyed address hash: stored bytes count against it too (F42). */
  senderAddress: string;
  received: number;
  /** SHA-256 of the chunks stored so far (they arrive in order): no second read at the end. */
  hash: Hash;
  state: 'uploading' | 'ready';
  /** Recipient session → accepted? */
  answers: Map<string, boolean>;
  /** Downloads in progress, by recipient session: set to false to stop one. */
  downloads: Map<string, { active: boolean }>;
  expiresAt: number;
  /**
   * Another instance holds the sender and owns the data: this one offers it to its own
   * recipients and streams their downloads from the shared store, never removes it.
   */
  mirror?: boolean;
}

/** At most this many unfinished uploads per user, and this many bytes of them (F25). */
const UPLOADS_PER_USER = 3;

const notFound = () =>
  new FilesException(
    ErrorCode.NotFound,
    'No such file transfer.',
    'transferId',
  );

/**
 * File sharing: an offer, 48 KB sealed chunks checked one by one, the SHA-256 verified before
 * anyone is offered the file, then streamed to each recipient who accepts. Data waits in the
 * encrypted file store under a server id; it is removed when done, failed, cancelled or expired.
 */
@Injectable()
export class FilesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Files');
  private readonly transfers = new Map<string, Transfer>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly store: FileStore,
    private readonly sessions: SessionsService,
    private readonly roster: Roster,
    private readonly delivery: DeliveryService,
    private readonly audit: AuditService,
    private readonly configService: AppConfigService,
    private readonly cluster: ClusterService,
    metrics: MetricsService,
  ) {
    metrics.gauge(
      'fuv_file_bytes_stored',
      'Bytes of offered files waiting on this instance (sealed, finished or not)',
      () =>
        [...this.transfers.values()]
          .filter((t) => !t.mirror)
          .reduce((total, t) => total + t.offer.size, 0),
    );
  }

  private get limits() {
    return this.configService.config.files;
  }

  async onApplicationBootstrap(): Promise<void> {
    // nothing survives a restart: whatever is on disk now is an orphan (in a cluster the folder
    // may be shared with running instances: only the expiry sweep cleans up there)
    const orphans = this.cluster.enabled ? [] : await this.store.ids();
    for (const id of orphans) await this.store.remove(id);
    if (orphans.length > 0)
      await this.audit.record('files_swept', {
        detail: { orphans: orphans.length },
      });
    // a sender who leaves takes their transfers along
    this.sessions.left$.subscribe((member) => {
      for (const transfer of [...this.transfers.values()]) {
        if (transfer.senderSession === member.sessionId)
          void this.end(transfer, 'sender_left');
      }
    });
    if (this.cluster.enabled) this.joinCluster();
    this.sweeper = setInterval(
      () => void this.sweep(),
      Math.min(60_000, Math.max(250, this.limits.ttlMs / 4)),
    );
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** The largest file this server accepts, for the client to check before sending. */
  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  async offer(sender: Member, offer: FileOfferPayload): Promise<void> {
    const existing = this.transfers.get(offer.transferId);
    if (existing) {
      // the same offer again: an upload resuming after a reconnect
      if (
        existing.senderSession !== sender.sessionId ||
        existing.offer.sha256 !== offer.sha256
      )
        throw notFound();
      this.progress(sender, existing);
      return;
    }
    this.checkOffer(sender, offer);
    await this.checkStorage(sender, offer.size);
    const { recipients, to } = this.recipientsOf(sender, offer.to);
    const transfer: Transfer = {
      storageId: randomUUID(),
      offer: {
        transferId: offer.transferId,
        from: sender.username,
        to,
        size: offer.size,
        chunkCount: offer.chunkCount,
        sha256: offer.sha256,
        at: new Date().toISOString(),
        ...(offer.file
          ? {
              file: {
                ...offer.file,
                name: sanitizeFileName(offer.file.name),
                type:
                  offer.file.type.slice(0, 127) || 'application/octet-stream',
              },
            }
          : { e2ee: offer.e2ee }),
      },
      senderSession: sender.sessionId,
      senderAddress: sender.addressHash,
      recipients,
      received: 0,
      hash: createHash('sha256'),
      state: 'uploading',
      answers: new Map(),
      downloads: new Map(),
      expiresAt: Date.now() + this.limits.ttlMs,
    };
    this.transfers.set(offer.transferId, transfer);
    await this.audit.record('file_offered', {
      actor: sender.username,
      target: transfer.offer.to,
      // a private file's name is inside its MLS message: the log has what the server saw
      detail: {
        transferId: offer.transferId,
        ...(transfer.offer.file ? { name: transfer.offer.file.name } : {}),
        size: offer.size,
        sha256: offer.sha256,
      },
    });
    this.progress(sender, transfer);
  }

  /** One chunk from the sender: in order, the exact size, never past the declared total (F21, F22). */
  async chunk(sender: Member, chunk: FileChunkPayload): Promise<void> {
    const transfer = this.transfers.get(chunk.transferId);
    if (!transfer || transfer.senderSession !== sender.sessionId)
      throw notFound();
    if (transfer.state !== 'uploading' || chunk.index < transfer.received) {
      // a resend of a chunk we hold: idempotent
      this.progress(sender, transfer);
      return;
    }
    if (chunk.index !== transfer.received) {
      throw new FilesException(
        ErrorCode.InvalidPayload,
        `Chunk ${chunk.index} is out of order; chunk ${transfer.received} comes next.`,
        'index',
      );
    }
    const expected = sealedChunkBytes(transfer.offer.size, chunk.index);
    if (chunk.data.length !== expected) {
      throw new FilesException(
        ErrorCode.InvalidPayload,
        `Chunk ${chunk.index} has ${chunk.data.length} bytes; ${expected} were expected.`,
        'data',
      );
    }
    await this.store.write(transfer.storageId, chunk.index, chunk.data);
    transfer.hash.update(chunk.data);
    transfer.received++;
    if (transfer.received < transfer.offer.chunkCount) {
      this.progress(sender, transfer);
      return;
    }
    await this.complete(sender, transfer);
  }

  async answer(
    member: Member,
    transferId: string,
    accept: boolean,
  ): Promise<void> {
    const transfer = this.offeredTo(member, transferId);
    transfer.answers.set(member.sessionId, accept);
    await this.audit.record(accept ? 'file_accepted' : 'file_rejected', {
      actor: member.username,
      target: transfer.offer.from,
      detail: { transferId },
    });
    this.cluster.publish('file-answered', {
      transferId,
      sessionId: member.sessionId,
      username: member.username,
      accepted: accept,
    });
    await this.answered(transfer, member.username, accept);
  }

  /** Tells the sender, if connected here; the instance that owns the file may be done with it. */
  private async answered(
    transfer: Transfer,
    by: string,
    accepted: boolean,
  ): Promise<void> {
    this.delivery.toMember(transfer.senderSession, ServerEvent.FileAnswered, {
      transferId: transfer.offer.transferId,
      by,
      accepted,
    });
    if (!accepted && !transfer.mirror) await this.releaseIfDone(transfer);
  }

  /** Streams chunks `from`… to a recipient who accepted (F24); also how a download resumes. */
  async fetch(member: Member, transferId: string, from: number): Promise<void> {
    const transfer = this.offeredTo(member, transferId);
    if (transfer.answers.get(member.sessionId) !== true) {
      throw new FilesException(
        ErrorCode.InvalidPayload,
        'Accept the file before downloading it.',
        'transferId',
      );
    }
    if (from >= transfer.offer.chunkCount) {
      throw new FilesException(
        ErrorCode.InvalidPayload,
        'There is no such chunk.',
        'from',
      );
    }
    // a new fetch (a resume) replaces the download already running for this recipient
    const previous = transfer.downloads.get(member.sessionId);
    if (previous) previous.active = false;
    const download = { active: true };
    transfer.downloads.set(member.sessionId, download);
    // on the connection that asked: after a reconnect the client asks again from where it is
    const connection = this.delivery.connectionOf(member.sessionId);
    if (connection === undefined) return;
    for (let index = from; index < transfer.offer.chunkCount; index++) {
      if (!download.active || !this.transfers.has(transferId)) return;
      const data = await this.store.read(transfer.storageId, index);
      const sent = await this.delivery.toConnectionPaced(
        member.sessionId,
        connection,
        ServerEvent.FileData,
        { transferId, index, data },
      );
      if (!sent) return;
    }
    transfer.downloads.delete(member.sessionId);
    await this.audit.record('file_downloaded', {
      actor: member.username,
      detail: { transferId },
    });
    if (transfer.offer.to === null) return;
    if (transfer.mirror)
      this.cluster.publish('file-downloaded', {
        transferId,
        sessionId: member.sessionId,
      });
    await this.end(transfer, undefined);
  }

  /** The sender cancels for everyone; a recipient stops their own download. */
  async cancel(member: Member, transferId: string): Promise<void> {
    const transfer = this.transfers.get(transferId);
    if (!transfer) throw notFound();
    if (transfer.senderSession === member.sessionId) {
      await this.audit.record('file_cancelled', {
        actor: member.username,
        detail: { transferId, by: 'sender' },
      });
      await this.end(transfer, 'cancelled');
      return;
    }
    if (!transfer.recipients.has(member.sessionId)) throw notFound();
    const download = transfer.downloads.get(member.sessionId);
    if (download) download.active = false;
    await this.answer(member, transferId, false);
  }

  private checkOffer(sender: Member, offer: FileOfferPayload): void {
    // a private file's secret only ever travels end to end; a public one's with the offer
    if (offer.to !== undefined && (!offer.e2ee || offer.file))
      throw new FilesException(
        ErrorCode.InvalidPayload,
        'A private file travels end to end: its secret goes in e2ee, never in the clear.',
        'e2ee',
      );
    if (offer.to === undefined && (!offer.file || offer.e2ee))
      throw new FilesException(
        ErrorCode.InvalidPayload,
        'A file for everyone carries its secret in file.',
        'file',
      );
    const max = this.limits.maxBytes;
    if (offer.size > max) {
      throw new FilesException(
        ErrorCode.FileTooLarge,
        `The file is ${(offer.size / 1048576).toFixed(1)} MB; the limit is ${max / 1048576} MB.`,
        'size',
      );
    }
    if (offer.size === 0)
      throw new FilesException(
        ErrorCode.InvalidPayload,
        'The file is empty.',
        'size',
      );
    if (offer.chunkCount !== chunkCountFor(offer.size)) {
      throw new FilesException(
        ErrorCode.InvalidPayload,
        `A file of ${offer.size} bytes travels in ${chunkCountFor(offer.size)} chunks of ${Limits.fileChunkBytes} bytes.`,
        'chunkCount',
      );
    }
    const mine = [...this.transfers.values()].filter(
      (t) => t.senderSession === sender.sessionId && t.state === 'uploading',
    );
    const inFlight = mine.reduce((sum, t) => sum + t.offer.size, 0);
    if (mine.length >= UPLOADS_PER_USER || inFlight + offer.size > 2 * max) {
      throw new FilesException(
        ErrorCode.RateLimited,
        'Too many unfinished uploads; finish or cancel one first.',
        'transferId',
      );
    }
  }

  /**
   * Every stored byte counts until it is removed, finished or not (F42): against the sender,
   * the sender's address (a second name from the same place), the whole server, and the disk's
   * free space. Refused at the offer, before a chunk is sent.
   */
  private async checkStorage(sender: Member, size: number): Promise<void> {
    const own = [...this.transfers.values()].filter((t) => !t.mirror);
    const sum = (transfers: Transfer[]) =>
      transfers.reduce((total, t) => total + t.offer.size, 0);
    const { quota } = this.limits;
    const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
    const refuse = (message: string) =>
      new FilesException(ErrorCode.QuotaExceeded, message, 'size');
    const mine = sum(own.filter((t) => t.senderSession === sender.sessionId));
    if (mine + size > quota.userBytes)
      throw refuse(
        `Your files waiting on the server would exceed ${mb(quota.userBytes)}; wait until they are fetched or cancel one.`,
      );
    const fromHere = sum(
      own.filter((t) => t.senderAddress === sender.addressHash),
    );
    if (fromHere + size > quota.addressBytes)
      throw refuse(
        `Files from your network waiting on the server would exceed ${mb(quota.addressBytes)}; try again later.`,
      );
    if (sum(own) + size > quota.totalBytes)
      throw refuse(
        'The server holds as many files as it may right now; try again later.',
      );
    if ((await this.store.freeBytes()) - size < quota.minFreeBytes)
      throw refuse(
        'The server is low on disk space and accepts no files right now.',
      );
  }

  private recipientsOf(
    sender: Member,
    to: string | undefined,
  ): { recipients: Set<string>; to: string | null } {
    if (to !== undefined) {
      const recipient =
        this.roster.findOnline(to) ?? this.roster.findRemote(to);
      if (!recipient || recipient.sessionId === sender.sessionId) {
        throw new FilesException(
          ErrorCode.RecipientUnavailable,
          `${to.slice(0, 32)} is not online; nothing was sent.`,
          'to',
        );
      }
      return {
        recipients: new Set([recipient.sessionId]),
        to: recipient.username,
      };
    }
    const everyone = [
      ...[...this.roster.connected()].filter((m) => m !== sender),
      ...this.roster.remote().filter((m) => m.connected),
    ].map((m) => m.sessionId);
    if (everyone.length === 0) {
      throw new FilesException(
        ErrorCode.RecipientUnavailable,
        'Nobody else is online; nothing was sent.',
        'to',
      );
    }
    return { recipients: new Set(everyone), to: null };
  }

  /** Every chunk is in: the SHA-256 must match before anybody is offered the file (F23). */
  private async complete(sender: Member, transfer: Transfer): Promise<void> {
    const actual = transfer.hash.digest('hex');
    if (actual !== transfer.offer.sha256) {
      await this.audit.record('file_failed', {
        actor: sender.username,
        detail: {
          transferId: transfer.offer.transferId,
          reason: 'sha256_mismatch',
          expected: transfer.offer.sha256,
          actual,
        },
      });
      await this.end(transfer, 'sha256_mismatch');
      return;
    }
    transfer.state = 'ready';
    await this.audit.record('file_completed', {
      actor: sender.username,
      detail: {
        transferId: transfer.offer.transferId,
        size: transfer.offer.size,
        sha256: actual,
      },
    });
    this.progress(sender, transfer);
    this.cluster.publish('file-offered', {
      offer: transfer.offer,
      storageId: transfer.storageId,
      senderSession: transfer.senderSession,
      recipients: [...transfer.recipients],
      expiresAt: transfer.expiresAt,
    });
    this.offerHere(transfer);
  }

  /** Offers a verified file to its recipients connected to this instance. */
  private offerHere(transfer: Transfer): void {
    this.delivery.toMembers(
      transfer.recipients,
      ServerEvent.FileOffered,
      transfer.offer,
    );
  }

  private offeredTo(member: Member, transferId: string): Transfer {
    const transfer = this.transfers.get(transferId);
    // not a recipient, or not offered yet: the same answer as a transfer that does not exist
    if (
      !transfer ||
      transfer.state !== 'ready' ||
      !transfer.recipients.has(member.sessionId)
    )
      throw notFound();
    return transfer;
  }

  private progress(sender: Member, transfer: Transfer): void {
    this.delivery.toMember(sender.sessionId, ServerEvent.FileUploadProgress, {
      transferId: transfer.offer.transferId,
      nextIndex: transfer.received,
      chunkCount: transfer.offer.chunkCount,
      verified: transfer.state === 'ready',
    });
  }

  /** A private file is done once its recipient downloaded or rejected it. */
  private async releaseIfDone(transfer: Transfer): Promise<void> {
    const open = [...transfer.recipients].some(
      (key) => transfer.answers.get(key) !== false,
    );
    if (!open) await this.end(transfer, undefined);
  }

  /**
   * Removes the data (its owner; other instances follow) and tells the sender and the offered
   * recipients connected here why, when it ended early.
   */
  private async end(
    transfer: Transfer,
    reason: FileEndReason | undefined,
  ): Promise<void> {
    if (this.transfers.get(transfer.offer.transferId) !== transfer) return;
    this.transfers.delete(transfer.offer.transferId);
    for (const download of transfer.downloads.values()) download.active = false;
    if (!transfer.mirror) {
      await this.store.remove(transfer.storageId);
      this.cluster.publish('file-ended', {
        transferId: transfer.offer.transferId,
        reason,
      });
    }
    if (!reason) return;
    // the server does not know a private file's name; the browsers put their own in
    const message = fileEndedMessage(
      transfer.offer.file?.name ??
        `The private file from ${transfer.offer.from}`,
      reason,
    );
    const payload = { transferId: transfer.offer.transferId, reason, message };
    const recipients =
      transfer.state === 'ready' ? transfer.recipients : new Set<string>();
    this.delivery.toMembers(
      [transfer.senderSession, ...recipients],
      ServerEvent.FileEnded,
      payload,
    );
  }

  /** Transfers past their time are removed, data and all (F25). */
  private async sweep(now = Date.now()): Promise<void> {
    for (const transfer of [...this.transfers.values()]) {
      if (transfer.expiresAt > now) continue;
      if (!transfer.mirror)
        await this.audit.record('file_swept', {
          detail: {
            transferId: transfer.offer.transferId,
            state: transfer.state,
          },
        });
      await this.end(transfer, 'expired');
    }
    if (this.cluster.enabled) await this.sweepAbandoned(now);
  }

  /**
   * A shared folder can hold the data of an instance that died with its transfers. Data last
   * written longer ago than a transfer lives belongs to a transfer that has expired: removed.
   */
  private async sweepAbandoned(now: number): Promise<void> {
    let removed = 0;
    for (const id of await this.store.ids()) {
      const written = await this.store.lastWritten(id).catch(() => now);
      if (written >= now - this.limits.ttlMs) continue;
      await this.store.remove(id);
      removed++;
    }
    if (removed > 0)
      await this.audit.record('files_swept', { detail: { orphans: removed } });
  }

  /** Files whose sender is on another instance: offered, answered, downloaded and ended here too. */
  private joinCluster(): void {
    this.cluster.on('file-offered', (shared) => {
      const transfer: Transfer = {
        storageId: shared.storageId,
        offer: shared.offer,
        senderSession: shared.senderSession,
        senderAddress: '',
        recipients: new Set(shared.recipients),
        received: shared.offer.chunkCount,
        hash: createHash('sha256'),
        state: 'ready',
        answers: new Map(),
        downloads: new Map(),
        expiresAt: shared.expiresAt,
        mirror: true,
      };
      this.transfers.set(shared.offer.transferId, transfer);
      this.offerHere(transfer);
    });
    this.cluster.on(
      'file-answered',
      ({ transferId, sessionId, username, accepted }) => {
        const transfer = this.transfers.get(transferId);
        if (!transfer) return;
        transfer.answers.set(sessionId, accepted);
        void this.answered(transfer, username, accepted);
      },
    );
    this.cluster.on('file-downloaded', ({ transferId }) => {
      const transfer = this.transfers.get(transferId);
      if (transfer && !transfer.mirror && transfer.offer.to !== null)
        void this.end(transfer, undefined);
    });
    this.cluster.on('file-ended', ({ transferId, reason }) => {
      const transfer = this.transfers.get(transferId);
      if (transfer?.mirror) void this.end(transfer, reason);
    });
  }
}
