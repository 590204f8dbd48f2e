import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  ClientEvent,
  type FileOfferPayload,
  type FileOfferedPayload,
  FileOpener,
  type FileSecret,
  Limits,
  ServerEvent,
  UploadWindow,
  asFileSecret,
  bufferSource,
  fileEndedMessage,
  sanitizeFileName,
  sealFile,
  sha256Hex,
} from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { ContactsStore } from '../contacts/contacts.store';
import { E2eeService, E2eeUnavailableError } from '../e2ee/e2ee.service';
import { SocketService } from '../core/realtime/socket.service';
import { SessionStore } from '../sessions/session.store';
import { previewType } from './image-type';

export type TransferState =
  | 'uploading'
  | 'offered'
  | 'incoming'
  | 'downloading'
  | 'saved'
  | 'rejected'
  | 'failed'
  | 'cancelled';

/** One file transfer as this user sees it. */
export interface FileTransfer {
  transferId: string;
  direction: 'out' | 'in';
  name: string;
  size: number;
  type: string;
  from: string;
  to: string | null;
  at: string;
  state: TransferState;
  /** 0 to 100. */
  progress: number;
  /** Bytes per second over the transfer so far. */
  speed: number;
  /** For the sender: who accepted (true) or rejected (false). */
  answers: Record<string, boolean>;
  /** A verified download, ready to save. */
  url?: string;
  /** A verified PNG, JPEG, GIF or WebP, recognised by its bytes: shown inline. */
  preview?: string;
  message?: string;
  /** Its secret travelled end to end: the server could not open it. */
  e2ee?: boolean;
}

interface Outgoing {
  /** Sent as is on every (re)offer: sealed once, so a resume resends the same boxes. */
  offer: FileOfferPayload;
  chunks: UploadWindow;
  started: number;
}

interface Incoming {
  offer: FileOfferedPayload;
  secret: FileSecret;
  /** The sealed chunks so far, in order; opened once all are in. */
  boxes: Uint8Array[];
  started: number;
}

/**
 * File sharing from this browser: sealing under a fresh key (its secret end to end for a private
 * file), offering and sending in 48 KB chunks, receiving, opening and checking the SHA-256
 * before anything can be saved, and resuming after a reconnect.
 */
@Injectable({ providedIn: 'root' })
export class FilesStore {
  private readonly contacts = inject(ContactsStore);
  private readonly e2ee = inject(E2eeService);
  private readonly socket = inject(SocketService);
  private readonly session = inject(SessionStore);
  private readonly notify = inject(NotifyService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly incoming = new Map<string, Incoming>();

  readonly transfers = signal<ReadonlyMap<string, FileTransfer>>(new Map());

  constructor() {
    const live = <T>() => takeUntilDestroyed<T>(this.destroyRef);
    this.socket
      .on(ServerEvent.FileUploadProgress)
      .pipe(live())
      .subscribe((p) => this.onProgress(p.transferId, p.nextIndex, p.verified));
    this.socket
      .on(ServerEvent.FileOffered)
      .pipe(live())
      .subscribe((offer) => void this.onOffered(offer));
    this.socket
      .on(ServerEvent.FileAnswered)
      .pipe(live())
      .subscribe(({ transferId, by, accepted }) =>
        this.update(transferId, (t) => ({
          answers: { ...t.answers, [by]: accepted },
        })),
      );
    this.socket
      .on(ServerEvent.FileData)
      .pipe(live())
      .subscribe((chunk) =>
        this.onData(chunk.transferId, chunk.index, chunk.data),
      );
    this.socket
      .on(ServerEvent.FileEnded)
      .pipe(live())
      .subscribe(({ transferId, reason, message }) => {
        this.drop(transferId);
        // said with the name this browser knows (the server never saw a private file's)
        const name = this.transfers().get(transferId)?.name;
        const said = name ? fileEndedMessage(name, reason) : message;
        this.update(transferId, () => ({
          state: reason === 'cancelled' ? 'cancelled' : 'failed',
          message: said,
        }));
        this.notify.error(said);
      });
    // after a reconnect and resume, unfinished transfers pick up where they stopped
    this.socket
      .on(ServerEvent.SessionJoined)
      .pipe(live())
      .subscribe((joined) => {
        if (joined.resumed) void this.resumeAll();
      });
  }

  /** Hashes and offers a file to everyone, or to one user; refuses files over the limit at once. */
  async send(file: File, to?: string): Promise<void> {
    if (to && this.contacts.refuses(to)) return;
    if (file.size > Limits.maxFileBytes) {
      this.notify.error(
        `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${Limits.maxFileBytes / 1048576} MB.`,
      );
      return;
    }
    if (file.size === 0) {
      this.notify.error(`${file.name} is empty.`);
      return;
    }
    const transferId = crypto.randomUUID();
    const name = sanitizeFileName(file.name);
    const me = this.session.username() ?? '';
    this.put({
      transferId,
      direction: 'out',
      name,
      size: file.size,
      type: file.type,
      from: me,
      to: to ?? null,
      at: new Date().toISOString(),
      state: 'uploading',
      progress: 0,
      speed: 0,
      answers: {},
      e2ee: to !== undefined,
    });
    const sealed = await sealFile(
      new Uint8Array(await file.arrayBuffer()),
      transferId,
      name,
      file.type,
    );
    const offer: FileOfferPayload = {
      transferId,
      size: file.size,
      chunkCount: sealed.chunks.length,
      sha256: sealed.sealedSha256,
    };
    try {
      if (to) {
        offer.to = to;
        offer.e2ee = await this.e2ee.sealFile(to, me, sealed.secret);
      } else offer.file = sealed.secret;
    } catch (error) {
      const message =
        error instanceof E2eeUnavailableError
          ? error.message
          : `${name} could not be sealed for ${to}; nothing was sent.`;
      this.update(transferId, () => ({ state: 'failed', message }));
      this.notify.error(message);
      return;
    }
    const outgoing: Outgoing = {
      offer,
      chunks: new UploadWindow(sealed.chunks),
      started: Date.now(),
    };
    this.outgoing.set(transferId, outgoing);
    await this.socket.send(ClientEvent.FileOffer, offer);
  }

  /** Accepts an offer and starts the download. */
  async accept(transferId: string): Promise<void> {
    const incoming = this.incoming.get(transferId);
    if (!incoming) return;
    incoming.started = Date.now();
    this.update(transferId, () => ({ state: 'downloading' }));
    await this.socket.send(ClientEvent.FileAnswer, {
      transferId,
      accept: true,
    });
    await this.socket.send(ClientEvent.FileFetch, { transferId, from: 0 });
  }

  async reject(transferId: string): Promise<void> {
    this.incoming.delete(transferId);
    this.update(transferId, () => ({ state: 'rejected' }));
    await this.socket.send(ClientEvent.FileAnswer, {
      transferId,
      accept: false,
    });
  }

  /** The sender cancels for everyone; a recipient stops their download. */
  async cancel(transferId: string): Promise<void> {
    this.drop(transferId);
    this.update(transferId, () => ({ state: 'cancelled' }));
    await this.socket.send(ClientEvent.FileCancel, { transferId });
  }

  /** The server holds chunks up to `nextIndex`: send on, a few ahead. */
  private onProgress(
    transferId: string,
    nextIndex: number,
    verified: boolean,
  ): void {
    const outgoing = this.outgoing.get(transferId);
    if (!outgoing) return;
    if (verified) {
      this.outgoing.delete(transferId);
      this.update(transferId, () => ({ state: 'offered', progress: 100 }));
      return;
    }
    for (const { index, data } of outgoing.chunks.acknowledged(nextIndex)) {
      void this.socket.send(ClientEvent.FileChunk, { transferId, index, data });
    }
    const done = Math.min(
      nextIndex * Limits.fileChunkBytes,
      outgoing.offer.size,
    );
    this.update(transferId, () => ({
      progress: Math.floor((100 * nextIndex) / outgoing.chunks.chunkCount),
      speed: done / Math.max(0.001, (Date.now() - outgoing.started) / 1000),
    }));
  }

  private async onOffered(offer: FileOfferedPayload): Promise<void> {
    // this client offers every private file end to end: one without it is not from a contact (E63)
    if (offer.to && !offer.e2ee) {
      this.notify.error(
        `A private file said to be from ${offer.from.slice(0, 32)} arrived without end-to-end encryption; it was not offered.`,
      );
      return;
    }
    const secret = offer.e2ee
      ? await this.e2ee.revealFile(offer, this.session.username())
      : asFileSecret(offer.file);
    if (!secret) {
      this.notify.error(
        `A file from ${offer.from} could not be decrypted on this browser; ask them to send it again.`,
      );
      return;
    }
    this.incoming.set(offer.transferId, {
      offer,
      secret,
      boxes: [],
      started: Date.now(),
    });
    this.put({
      transferId: offer.transferId,
      direction: 'in',
      name: sanitizeFileName(secret.name),
      size: offer.size,
      type: secret.type,
      from: offer.from,
      to: offer.to,
      at: offer.at,
      state: 'incoming',
      progress: 0,
      speed: 0,
      answers: {},
      e2ee: offer.e2ee !== undefined,
    });
  }

  private onData(transferId: string, index: number, data: Uint8Array): void {
    const incoming = this.incoming.get(transferId);
    if (!incoming || index !== incoming.boxes.length) return;
    incoming.boxes.push(data);
    const received = incoming.boxes.length;
    const { chunkCount, size } = incoming.offer;
    this.update(transferId, () => ({
      progress: Math.floor((100 * received) / chunkCount),
      speed:
        Math.min(received * Limits.fileChunkBytes, size) /
        Math.max(0.001, (Date.now() - incoming.started) / 1000),
    }));
    if (received < chunkCount) return;
    this.incoming.delete(transferId);
    void this.finish(transferId, incoming);
  }

  /** Every chunk is in: opened, and nothing can be saved unless it is exactly what was sealed. */
  private async finish(transferId: string, incoming: Incoming): Promise<void> {
    const { offer, secret, boxes } = incoming;
    let whole: Uint8Array | undefined;
    try {
      const opener = await FileOpener.for(
        secret,
        offer.transferId,
        offer.chunkCount,
      );
      whole = await opener.openAll(boxes);
    } catch {
      whole = undefined;
    }
    if (!whole || (await sha256Hex(whole)) !== secret.sha256) {
      const name = sanitizeFileName(secret.name);
      this.update(transferId, () => ({
        state: 'failed',
        message:
          'The file arrived damaged (SHA-256 mismatch); nothing was saved.',
      }));
      this.notify.error(
        `${name} arrived damaged (SHA-256 mismatch); nothing was saved.`,
      );
      return;
    }
    const content = bufferSource(whole);
    const url = URL.createObjectURL(
      new Blob([content], { type: 'application/octet-stream' }),
    );
    // an image only by its own bytes, and only once verified; decoded by the browser alone
    const image = previewType(whole);
    const preview = image
      ? URL.createObjectURL(new Blob([content], { type: image }))
      : undefined;
    this.update(transferId, () => ({
      state: 'saved',
      progress: 100,
      url,
      preview,
    }));
  }

  private async resumeAll(): Promise<void> {
    for (const outgoing of this.outgoing.values()) {
      outgoing.chunks.restart();
      await this.socket.send(ClientEvent.FileOffer, outgoing.offer);
    }
    for (const [transferId, incoming] of this.incoming) {
      if (this.transfers().get(transferId)?.state === 'downloading') {
        await this.socket.send(ClientEvent.FileFetch, {
          transferId,
          from: incoming.boxes.length,
        });
      }
    }
  }

  private drop(transferId: string): void {
    this.outgoing.delete(transferId);
    this.incoming.delete(transferId);
  }

  private put(transfer: FileTransfer): void {
    this.transfers.update((all) =>
      new Map(all).set(transfer.transferId, transfer),
    );
  }

  private update(
    transferId: string,
    change: (t: FileTransfer) => Partial<FileTransfer>,
  ): void {
    const current = this.transfers().get(transferId);
    if (current) this.put({ ...current, ...change(current) });
  }
}
