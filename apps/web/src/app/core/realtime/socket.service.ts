import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import {
  ChannelClosedError,
  ErrorCode,
  type ClientEventMap,
  type ClientToServerEvents,
  type ExceptionPayload,
  type LoginPayload,
  type SealedServerEvent,
  SecureChatClient,
  type SecureClientFailure,
  ServerEvent,
  type ServerEventMap,
  type ServerToClientEvents,
} from '@app/shared';
import { type Observable, Subject, filter, map } from 'rxjs';
import { io, type Socket } from 'socket.io-client';

import { IdentityStore } from '../identity/identity.store';
import { ServerPinStore } from './server-pin.store';

export type ConnectionStatus =
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'untrusted'
  | 'failed';

interface Opened {
  event: SealedServerEvent;
  payload: unknown;
}

/** A problem worth telling the user about, from the server or from the channel itself. */
export interface ChannelProblem {
  message: string;
  exception?: ExceptionPayload;
}

const FAILURE_MESSAGES: Record<SecureClientFailure, string> = {
  bad_answer:
    'The server answered the secure handshake incorrectly; nothing was sent.',
  bad_signature: 'The server could not prove its identity; nothing was sent.',
  untrusted_key:
    'The server key is not the one this browser trusts; nothing was sent.',
  decrypt_failed:
    'A message from the server could not be decrypted; reconnecting.',
  refused_repeatedly:
    'Messages from the server kept failing to decrypt, so this page stopped reconnecting. Reload it to try again.',
};

/**
 * The one connection to the server and the only importer of socket.io-client. Every event is
 * opened by the shared `SecureChatClient`; components see typed RxJS streams.
 */
@Injectable({ providedIn: 'root' })
export class SocketService {
  private readonly pins = inject(ServerPinStore);
  private readonly identity = inject(IdentityStore);
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents> =
    io({
      autoConnect: false,
    });
  private readonly opened$ = new Subject<Opened>();
  private readonly ready$ = new Subject<void>();
  private readonly problems$ = new Subject<ChannelProblem>();

  readonly status = signal<ConnectionStatus>('connecting');
  readonly fingerprint = signal<string | undefined>(undefined);
  /** The server key this channel's handshake proved (pinned): audit checkpoints are checked with it. */
  readonly serverKey = signal<CryptoKey | undefined>(undefined);
  /** The new fingerprint while the user decides whether to trust a changed server key. */
  readonly keyChange = signal<{ pinned: string; offered: string } | undefined>(
    undefined,
  );

  /** Emits after every successful handshake (first connect and each reconnect). */
  readonly connected$: Observable<void> = this.ready$.asObservable();
  readonly problems: Observable<ChannelProblem> = this.problems$.asObservable();

  private readonly client = new SecureChatClient(this.socket, {
    trust: (fingerprint) => this.trust(fingerprint),
    onReady: (fingerprint, serverKey) => {
      this.fingerprint.set(fingerprint);
      this.serverKey.set(serverKey);
      this.status.set('connected');
      this.ready$.next();
    },
    onEvent: (event, payload) => {
      this.opened$.next({ event, payload });
      if (event === ServerEvent.Exception) {
        const exception = payload as ExceptionPayload;
        this.problems$.next({ message: exception.message, exception });
        // the server could not open what we sealed: the channel is out of step, so re-key
        if (exception.code === ErrorCode.DecryptFailed) this.rekey();
      }
    },
    onFailure: (reason) => this.fail(reason),
  });

  constructor() {
    this.socket.on('disconnect', (reason) => {
      if (this.status() === 'untrusted') return;
      // a deliberate disconnect by the server (kick) is not retried automatically by socket.io
      if (reason === 'io server disconnect') this.socket.connect();
      this.status.set('reconnecting');
    });
    this.socket.on('connect_error', () => {
      if (this.status() !== 'untrusted') this.status.set('reconnecting');
    });
    // closing the tab is a deliberate leave: the server releases the name at once
    const leave = () => this.client.close();
    window.addEventListener('pagehide', leave);
    inject(DestroyRef).onDestroy(() =>
      window.removeEventListener('pagehide', leave),
    );
  }

  connect(): void {
    if (!this.socket.connected && this.status() !== 'untrusted')
      this.socket.connect();
  }

  /** Opened payloads of one server event, in wire order. */
  on<E extends SealedServerEvent>(event: E): Observable<ServerEventMap[E]> {
    return this.opened$.pipe(
      filter((opened) => opened.event === event),
      map((opened) => opened.payload as ServerEventMap[E]),
    );
  }

  /** Seals and sends; tells the user (and rejects) when there is no secure channel. */
  async send<E extends keyof ClientEventMap>(
    event: E,
    payload: ClientEventMap[E],
  ): Promise<boolean> {
    return this.sent(this.client.send(event, payload));
  }

  /** Logs in, this browser's identity key proving the name on this connection (E60). */
  async login(payload: Omit<LoginPayload, 'identity'>): Promise<boolean> {
    const identity = await this.identity.key();
    return this.sent(this.client.login(payload, identity));
  }

  private async sent(sending: Promise<void>): Promise<boolean> {
    try {
      await sending;
      return true;
    } catch (error) {
      if (!(error instanceof ChannelClosedError)) throw error;
      this.problems$.next({
        message: 'Not connected to the server; please wait and try again.',
      });
      return false;
    }
  }

  /** Pins the key the user accepted after a change, then handshakes again. */
  trustNewKey(): void {
    const change = this.keyChange();
    if (!change) return;
    this.pins.pin(change.offered);
    this.keyChange.set(undefined);
    this.status.set('connecting');
    this.socket.disconnect().connect();
  }

  /**
   * A broken channel is never reused: dropping the transport (not a deliberate disconnect, which
   * would log the user out) makes socket.io reconnect with a new handshake and new keys, and the
   * session store then resumes the held name.
   */
  private rekey(): void {
    this.socket.io.engine.close();
  }

  private trust(fingerprint: string): boolean {
    const check = this.pins.check(fingerprint);
    if (check.verdict !== 'changed') return true;
    this.keyChange.set({ pinned: check.pinned, offered: fingerprint });
    return false;
  }

  private fail(reason: SecureClientFailure): void {
    this.problems$.next({ message: FAILURE_MESSAGES[reason] });
    if (reason === 'decrypt_failed') {
      this.rekey();
      return;
    }
    this.status.set(reason === 'untrusted_key' ? 'untrusted' : 'failed');
    this.client.close();
  }
}
