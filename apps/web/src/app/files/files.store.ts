import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  ClientEvent,
  type FileOfferedPayload,
  Limits,
  ServerEvent,
  UploadWindow,
  sanitizeFileName,
} from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { ContactsStore } from '../contacts/contacts.store';
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
}

interface Outgoing {
  bytes: Uint8Array;
  chunks: UploadWindow;
  sha256: string;
  to?: string;
  started: number;
}

interface Incoming {
  offer: FileOfferedPayload;
  chunks: Uint8Array[];
  started: number;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * File sharing from this browser: hashing, offering and sending in sealed 48 KB chunks,
 * receiving, checking the SHA-256 before anything can be saved, and resuming after a reconnect.
 */
@Injectable({ providedIn: 'root' })
export class FilesStore {
  private readonly contacts = inject(ContactsStore);
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
      .subscribe((offer) => this.onOffered(offer));
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
      .subscribe(
        (chunk) => void this.onData(chunk.transferId, chunk.index, chunk.data),
      );
    this.socket
      .on(ServerEvent.FileEnded)
      .pipe(live())
      .subscribe(({ transferId, reason, message }) => {
        this.drop(transferId);
        this.update(transferId, () => ({
          state: reason === 'cancelled' ? 'cancelled' : 'failed',
          message,
        }));
        this.notify.error(message);
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
    const bytes = new Uint8Array(await file.arrayBuffer());
    const transferId = crypto.randomUUID();
    const outgoing: Outgoing = {
      bytes,
      chunks: new UploadWindow(bytes),
      sha256: await sha256Hex(bytes),
      to,
      started: Date.now(),
    };
    this.outgoing.set(transferId, outgoing);
    this.put({
      transferId,
      direction: 'out',
      name: sanitizeFileName(file.name),
      size: file.size,
      type: file.type,
      from: this.session.username() ?? '',
      to: to ?? null,
      at: new Date().toISOString(),
      state: 'uploading',
      progress: 0,
      speed: 0,
      answers: {},
    });
    await this.offer(transferId, outgoing);
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

  private async offer(transferId: string, outgoing: Outgoing): Promise<void> {
    const transfer = this.transfers().get(transferId);
    if (!transfer) return;
    await this.socket.send(ClientEvent.FileOffer, {
      transferId,
      name: transfer.name,
      size: transfer.size,
      type: transfer.type,
      sha256: outgoing.sha256,
      chunkCount: outgoing.chunks.chunkCount,
      ...(outgoing.to ? { to: outgoing.to } : {}),
    });
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
      outgoing.bytes.length,
    );
    this.update(transferId, () => ({
      progress: Math.floor((100 * nextIndex) / outgoing.chunks.chunkCount),
      speed: done / Math.max(0.001, (Date.now() - outgoing.started) / 1000),
    }));
  }

  private onOffered(offer: FileOfferedPayload): void {
    this.incoming.set(offer.transferId, {
      offer,
      chunks: [],
      started: Date.now(),
    });
    this.put({
      ...offer,
      direction: 'in',
      state: 'incoming',
      progress: 0,
      speed: 0,
      answers: {},
    });
  }

  private async onData(
    transferId: string,
    index: number,
    data: Uint8Array,
  ): Promise<void> {
    const incoming = this.incoming.get(transferId);
    if (!incoming || index !== incoming.chunks.length) return;
    incoming.chunks.push(data);
    const received = incoming.chunks.length;
    const { chunkCount, size } = incoming.offer;
    this.update(transferId, () => ({
      progress: Math.floor((100 * received) / chunkCount),
      speed:
        Math.min(received * Limits.fileChunkBytes, size) /
        Math.max(0.001, (Date.now() - incoming.started) / 1000),
    }));
    if (received < chunkCount) return;
    this.incoming.delete(transferId);
    const whole = new Uint8Array(size);
    incoming.chunks.forEach((chunk, i) =>
      whole.set(chunk, i * Limits.fileChunkBytes),
    );
    // nothing can be saved unless it is exactly what the sender hashed
    if ((await sha256Hex(whole)) !== incoming.offer.sha256) {
      this.update(transferId, () => ({
        state: 'failed',
        message:
          'The file arrived damaged (SHA-256 mismatch); nothing was saved.',
      }));
      this.notify.error(
        `${incoming.offer.name} arrived damaged (SHA-256 mismatch); nothing was saved.`,
      );
      return;
    }
    const url = URL.createObjectURL(
      new Blob([whole], { type: 'application/octet-stream' }),
    );
    // an image only by its own bytes, and only once verified; decoded by the browser alone
    const image = previewType(whole);
    const preview = image
      ? URL.createObjectURL(new Blob([whole], { type: image }))
      : undefined;
    this.update(transferId, () => ({
      state: 'saved',
      progress: 100,
      url,
      preview,
    }));
  }

  private async resumeAll(): Promise<void> {
    for (const [transferId, outgoing] of this.outgoing) {
      outgoing.chunks.restart();
      await this.offer(transferId, outgoing);
    }
    for (const [transferId, incoming] of this.incoming) {
      if (this.transfers().get(transferId)?.state === 'downloading') {
        await this.socket.send(ClientEvent.FileFetch, {
          transferId,
          from: incoming.chunks.length,
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
