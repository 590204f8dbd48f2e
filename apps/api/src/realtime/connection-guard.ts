import { Injectable } from '@nestjs/common';
import { ClientEvent, ErrorCode } from '@app/shared';

import { AppConfigService } from '../config/app-config.service';
import type { ConnectionLimits } from '../config/app-config.service';
import { KeyCounts } from '../common/key-counts';
import { FixedWindowLimiter, TokenBucket } from '../common/rate-limiter';
import type { ChatSocket } from './chat-socket';

/** Refusals a socket may collect within REFUSAL_WINDOW_MS before it is disconnected. */
const REFUSALS_BEFORE_DISCONNECT = 50;
const REFUSAL_WINDOW_MS = 10_000;
/** Frames that fail to open before the connection is closed: its channel is out of step (L41). */
const UNDECRYPTABLE_BEFORE_CLOSE = 3;

export type EventVerdict = 'ok' | 'refused' | 'disconnect';

/** One socket's budgets: chat commands and file chunks apart (one file is many chunks). */
export class SocketRateLimit {
  private readonly events: TokenBucket;
  private readonly chunks: TokenBucket;
  private refused = 0;
  private undecryptable = 0;
  private windowStart: number;

  constructor(limits: ConnectionLimits, now = Date.now()) {
    this.events = new TokenBucket(
      limits.eventsPerSecond,
      limits.eventBurst,
      now,
    );
    this.chunks = new TokenBucket(
      limits.chunksPerSecond,
      // a window of chunks in flight, plus a resume's re-sent ones
      Math.max(64, limits.chunksPerSecond / 5),
      now,
    );
    this.windowStart = now;
  }

  /** `addressOk`: the client's address as a whole is still within its own budget. */
  check(event: string, addressOk = true, now = Date.now()): EventVerdict {
    const bucket = event === ClientEvent.FileChunk ? this.chunks : this.events;
    if (addressOk && bucket.take(now)) return 'ok';
    if (now - this.windowStart > REFUSAL_WINDOW_MS) {
      this.windowStart = now;
      this.refused = 0;
    }
    this.refused++;
    return this.refused > REFUSALS_BEFORE_DISCONNECT ? 'disconnect' : 'refused';
  }

  /** A frame that did not open: it costs a command; true once the connection should close. */
  strike(now = Date.now()): boolean {
    this.events.take(now);
    return ++this.undecryptable >= UNDECRYPTABLE_BEFORE_CLOSE;
  }
}

/** What a connection that has not logged in is told when it is closed. */
export const LOGIN_TIMEOUT_NOTICE = 'Closed: no login in time.';
export const EVICTED_NOTICE =
  'Closed: not logged in, and the server needed the place.';

interface GuardState {
  rate: SocketRateLimit;
  authenticated: boolean;
  loginTimer?: NodeJS.Timeout;
  /** Closes the connection with a notice; set while it holds a place in the pool. */
  close?: (notice: string) => void;
}

/**
 * Who may connect and how fast (L30, L31): new connections per address, open connections per
 * address, connections not logged in (all together, and each for at most the login timeout),
 * and every socket's event rate. All state is per open socket or bounded, so a flood of
 * handshakes cannot grow memory without limit.
 *
 * The pool of connections not logged in is shared fairly (L75): an address's share shrinks as
 * the pool fills, so a few addresses cannot fill it; when it is full all the same, a newcomer
 * from an address holding fewer takes the place of the fullest address's oldest idle one.
 */
@Injectable()
export class ConnectionGuard {
  private readonly limits: ConnectionLimits;
  private readonly handshakes: FixedWindowLimiter;
  /** Chat commands of all connections from one address, per second. */
  private readonly addressEvents: FixedWindowLimiter;
  private readonly openPerAddress = new KeyCounts();
  /** Connections not logged in yet, per address: each address gets a share of the pool (L43). */
  private readonly unauthenticatedPerAddress = new KeyCounts();
  /** Open connections not logged in, per address, oldest first: who makes room when it is full. */
  private readonly idle = new Map<string, Set<ChatSocket>>();
  private readonly states = new WeakMap<ChatSocket, GuardState>();
  private unauthenticated = 0;

  constructor(config: AppConfigService) {
    this.limits = config.config.limits;
    this.handshakes = new FixedWindowLimiter(
      this.limits.handshakesPerMinute,
      60_000,
    );
    this.addressEvents = new FixedWindowLimiter(
      this.limits.addressEventsPerSecond,
      1000,
    );
  }

  /**
   * Checked before any cryptography is spent on a handshake; a code means "refuse". An admitted
   * handshake holds its place in the caps at once (the signature is made off the event loop, so
   * many can be under way): `opened` or `abandoned` follows.
   */
  admit(address: string): ErrorCode | undefined {
    if (!this.handshakes.take(address)) return ErrorCode.RateLimited;
    const held = this.unauthenticatedPerAddress.get(address);
    if (
      this.openPerAddress.get(address) >=
        this.limits.maxConnectionsPerAddress ||
      held >= this.poolShare()
    )
      return ErrorCode.RateLimited;
    if (
      this.unauthenticated >= this.limits.maxUnauthenticated &&
      !this.makeRoom(held)
    )
      return ErrorCode.RateLimited;
    this.openPerAddress.add(address, 1);
    this.unauthenticatedPerAddress.add(address, 1);
    this.unauthenticated++;
    return undefined;
  }

  /**
   * What one address may hold of the pool of connections not logged in: its share
   * (MAX_UNAUTHENTICATED_PER_ADDRESS) times the part of the pool still free, at least one. Ten
   * addresses together fill about half of it, so the eleventh still gets in (L75).
   */
  private poolShare(): number {
    const { maxUnauthenticated, maxUnauthenticatedPerAddress } = this.limits;
    const free = Math.max(0, maxUnauthenticated - this.unauthenticated);
    return Math.max(
      1,
      Math.ceil((maxUnauthenticatedPerAddress * free) / maxUnauthenticated),
    );
  }

  /**
   * The pool is full: an address holding `held` takes the place of the oldest idle connection of
   * the fullest address, if that holds at least two more (so two addresses cannot take turns
   * evicting each other). Handshakes under way are not idle yet: they are left alone.
   */
  private makeRoom(held: number): boolean {
    let fullest: Set<ChatSocket> | undefined;
    let most = held + 1;
    for (const [address, sockets] of this.idle) {
      const count = this.unauthenticatedPerAddress.get(address);
      if (count > most && sockets.size > 0) {
        fullest = sockets;
        most = count;
      }
    }
    const oldest = fullest?.values().next().value;
    if (!oldest) return false;
    const close = this.states.get(oldest)?.close;
    this.leavePool(oldest);
    close?.(EVICTED_NOTICE);
    return true;
  }

  /** An admitted handshake failed, or its client left before the connection existed. */
  abandoned(address: string): void {
    this.unauthenticated--;
    this.unauthenticatedPerAddress.add(address, -1);
    this.openPerAddress.add(address, -1);
  }

  /**
   * An admitted handshake became a connection. `close` tells it why and closes it: when it has
   * not logged in in time, or when a newcomer needs its place in the pool.
   */
  opened(socket: ChatSocket, close: (notice: string) => void): void {
    const state: GuardState = {
      rate: new SocketRateLimit(this.limits),
      authenticated: false,
      close,
    };
    state.loginTimer = setTimeout(() => {
      if (!state.authenticated) close(LOGIN_TIMEOUT_NOTICE);
    }, this.limits.loginTimeoutMs);
    state.loginTimer.unref();
    this.states.set(socket, state);
    const address = socket.data.address;
    let sockets = this.idle.get(address);
    if (!sockets) this.idle.set(address, (sockets = new Set()));
    sockets.add(socket);
  }

  /** The socket logged in or resumed a session. */
  authenticated(socket: ChatSocket): void {
    const state = this.states.get(socket);
    if (!state || state.authenticated) return;
    state.authenticated = true;
    clearTimeout(state.loginTimer);
    this.leavePool(socket);
  }

  closed(socket: ChatSocket): void {
    const state = this.states.get(socket);
    if (!state) return;
    clearTimeout(state.loginTimer);
    this.leavePool(socket);
    this.states.delete(socket);
    this.openPerAddress.add(socket.data.address, -1);
  }

  /** Gives up the socket's place among the connections not logged in, once. */
  private leavePool(socket: ChatSocket): void {
    const state = this.states.get(socket);
    if (!state?.close) return;
    state.close = undefined;
    this.unauthenticated--;
    const address = socket.data.address;
    this.unauthenticatedPerAddress.add(address, -1);
    const sockets = this.idle.get(address);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.idle.delete(address);
  }

  /** A frame from this socket failed to open; true when the socket should be closed (L41). */
  undecryptable(socket: ChatSocket): boolean {
    return this.states.get(socket)?.rate.strike() ?? true;
  }

  /** Counts one incoming event against the socket's budget. */
  check(socket: ChatSocket, event: string): EventVerdict {
    const state = this.states.get(socket);
    if (!state) return 'ok';
    // many connections from one address share one budget for chat commands (not file chunks)
    const addressOk =
      event === ClientEvent.FileChunk ||
      this.addressEvents.take(socket.data.address);
    return state.rate.check(event, addressOk);
  }
}
