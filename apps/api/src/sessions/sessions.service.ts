import { createHash, randomBytes, randomUUID } from 'node:crypto';

import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  ErrorCode,
  type IdentityProofPayload,
  type LeaveReason,
  USERNAME_PROBLEM_MESSAGES,
} from '@app/shared';
import { Subject } from 'rxjs';

import { type AuditEntry, AuditService } from '../audit/audit.service';
import type { Removal } from '../cluster/cluster-events';
import { ClusterService } from '../cluster/cluster.service';
import { AppConfigService } from '../config/app-config.service';
import type { ChatSocket } from '../realtime/chat-socket';
import {
  IdentityService,
  NameOwnedException,
} from '../identity/identity.service';
import {
  NameLimitException,
  NewNamesLimitedException,
} from '../identity/name-budget';
import { ConnectionGuard } from '../realtime/connection-guard';
import { DeliveryService } from '../realtime/delivery.service';
import { RealtimeService } from '../realtime/realtime.service';
import { KickBans } from './kick-bans';
import { checkName, typedNameKey } from '../identity/name-identity';
import { PresenceService } from './presence.service';
import { type Member, Roster } from './roster';
import { SessionsException } from './sessions.exception';
import type { SessionEntity } from './session.entity';
import { SessionsRepository } from './sessions.repository';

export type { Member } from './roster';

/** A member (re)joined; `lastMessageId` is the last public message its client holds. */
export interface Joined {
  member: Member;
  lastMessageId?: number;
}

const taken = (username: string) =>
  new SessionsException(
    ErrorCode.UsernameTaken,
    `The username "${username}" is taken. Please choose another.`,
    'username',
  );

const sessionExpired = () =>
  new SessionsException(
    ErrorCode.ResumeFailed,
    'Your session has expired. Please log in again.',
  );

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Logins, resumes, logouts and kicks, and the grace period after a dropped connection: who holds
 * a name is the roster's, who hears of it the presence's, the sockets the delivery's.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly bans = new KickBans();
  private readonly logger = new Logger('Sessions');
  /** A member (re)joined and has been told so: other domains add what a newcomer needs. */
  readonly joined$ = new Subject<Joined>();
  /** A member left for good (logout, timeout or kick): other domains drop what was theirs. */
  readonly left$ = new Subject<Member>();

  constructor(
    private readonly repository: SessionsRepository,
    private readonly roster: Roster,
    private readonly presence: PresenceService,
    private readonly delivery: DeliveryService,
    private readonly realtime: RealtimeService,
    private readonly guard: ConnectionGuard,
    private readonly audit: AuditService,
    private readonly configService: AppConfigService,
    private readonly cluster: ClusterService,
    private readonly identity: IdentityService,
  ) {}

  async onModuleInit(): Promise<void> {
    // in a cluster, a previous run's claims belong to an instance id that is gone: any instance
    // releases them or lets their users resume
    if (this.cluster.enabled) this.joinCluster();
    else await this.holdPreviousClaims();
  }

  onModuleDestroy(): void {
    for (const member of this.roster.local()) clearTimeout(member.graceTimer);
    this.joined$.complete();
  }

  async login(
    socket: ChatSocket,
    requested: string,
    proof: IdentityProofPayload,
    lastMessageId?: number,
  ): Promise<void> {
    this.assertNotLoggedIn(socket);
    const check = checkName(requested);
    if (!check.ok) {
      await this.refused('login_rejected', socket, {
        detail: { reason: check.problem, address: socket.data.addressHash },
      });
      const code =
        check.problem === 'reserved'
          ? ErrorCode.UsernameReserved
          : ErrorCode.UsernameInvalid;
      throw new SessionsException(
        code,
        USERNAME_PROBLEM_MESSAGES[check.problem],
        'username',
      );
    }
    if (this.bans.blocks(check.key, socket.data.addressHash)) {
      await this.refused('login_rejected', socket, {
        target: check.username,
        detail: { reason: 'banned', address: socket.data.addressHash },
      });
      throw new SessionsException(
        ErrorCode.Kicked,
        'An administrator removed this name or your connection from the chat; try again later.',
        'username',
      );
    }
    const owned = await this.own(
      socket,
      requested,
      check.key,
      check.username,
      proof,
    );
    const token = randomBytes(32).toString('base64url');
    const member: Member = {
      sessionId: randomUUID(),
      username: owned,
      key: check.key,
      since: new Date().toISOString(),
      addressHash: socket.data.addressHash,
    };
    const claimed = await this.repository.claim({
      id: member.sessionId,
      username: member.username,
      nameKey: member.key,
      resumeTokenHash: hashToken(token),
      previousTokenHash: null,
      previousTokenUntil: null,
      connectedSince: member.since,
      heldUntil: null,
      instanceId: this.cluster.instanceId,
    });
    if (!claimed) {
      await this.refused('login_rejected', socket, {
        target: owned,
        detail: { reason: 'taken', address: socket.data.addressHash },
      });
      throw taken(check.username);
    }
    await this.audit.record('login_accepted', {
      actor: member.username,
      detail: { address: socket.data.addressHash },
    });
    if (!socket.connected) {
      await this.repository.release(member.sessionId, this.cluster.instanceId);
      return;
    }
    // from here on synchronous: no live message can reach the socket before the catch-up has
    // taken its place (welcome), so none overtakes the history
    this.roster.add(member);
    this.attach(member, socket);
    this.presence.joined(member);
    this.publishMember('member', member);
    this.welcome(member, token, false, lastMessageId);
  }

  /**
   * The name for this login, as its identity key bound it: the proof must verify on this
   * connection, and the name must be free or already this key's (E60), and a new name within
   * the key's and the address's budget (A71).
   */
  private async own(
    socket: ChatSocket,
    requested: string,
    key: string,
    username: string,
    proof: IdentityProofPayload,
  ): Promise<string> {
    const reject = (reason: string) =>
      this.refused('login_rejected', socket, {
        target: username,
        detail: { reason, address: socket.data.addressHash },
      });
    let identityKey: string;
    try {
      identityKey = this.identity.verifyProof(
        proof,
        socket.data.transcriptHash,
        requested,
      );
    } catch (error) {
      await reject('identity_invalid');
      throw error;
    }
    try {
      return (
        await this.identity.claim(
          key,
          username,
          identityKey,
          socket.data.addressHash,
        )
      ).username;
    } catch (error) {
      // a key or an address past its budget of names (A71): refused like any login
      if (
        error instanceof NameLimitException ||
        error instanceof NewNamesLimitedException
      ) {
        await reject(error.code);
        throw error;
      }
      if (!(error instanceof NameOwnedException)) throw error;
      // someone is using it now: that is what the user needs to hear first
      const online = this.roster.byKey(key) ?? this.roster.directory.byKey(key);
      await reject(online ? 'taken' : 'name_owned');
      throw online ? taken(username) : error;
    }
  }

  /** Takes back a held name with the token issued at login; the old connection, if any, is dropped. */
  async resume(
    socket: ChatSocket,
    token: string,
    lastMessageId?: number,
  ): Promise<void> {
    this.assertNotLoggedIn(socket);
    const tokenHash = hashToken(token);
    const row = await this.repository.findByTokenHash(tokenHash);
    // the current token; or the one it replaced, until its successor is used or the grace ends,
    // and only while nobody is connected under the name (the answer to that resume was lost
    // with its connection): a second resume racing the first is refused, never both (A51)
    const usable =
      row &&
      (row.resumeTokenHash === tokenHash ||
        (row.heldUntil !== null &&
          Number(row.previousTokenUntil ?? 0) > Date.now()));
    const next = randomBytes(32).toString('base64url');
    const grace = this.configService.config.resumeGraceMs;
    // compare and set on the token read: of two resumes racing with one token, one wins (A51)
    const rotated =
      usable &&
      (await this.repository.rotateToken(
        row.id,
        row.resumeTokenHash,
        row.resumeTokenHash === tokenHash
          ? {
              resumeTokenHash: hashToken(next),
              previousTokenHash: tokenHash,
              previousTokenUntil: Date.now() + grace,
              heldUntil: null,
            }
          : { resumeTokenHash: hashToken(next), heldUntil: null },
      ));
    const local = rotated ? this.roster.get(row.id) : undefined;
    const adopted =
      rotated && !local ? await this.adopt(row, socket) : undefined;
    const member = local ?? adopted?.member;
    if (!row || !member) {
      await this.refused('resume_rejected', socket, {
        detail: { address: socket.data.addressHash },
      });
      throw sessionExpired();
    }
    await this.audit.record('session_resumed', {
      actor: member.username,
      detail: { address: socket.data.addressHash },
    });
    // meanwhile the grace period may have ended, or this client gone
    if (this.roster.get(member.sessionId) !== member) {
      throw sessionExpired();
    }
    if (!socket.connected) return;
    // from here on synchronous, as in login: nothing overtakes the catch-up
    clearTimeout(member.graceTimer);
    member.graceTimer = undefined;
    this.attach(member, socket);
    if (adopted && !adopted.known) this.presence.joined(member);
    this.publishMember(adopted ? 'moved' : 'member', member);
    this.welcome(member, next, true, lastMessageId);
  }

  async logout(socket: ChatSocket): Promise<void> {
    const member = this.roster.of(socket);
    if (member) await this.leave(member, 'logout');
  }

  /**
   * A client that disconnects on purpose (logout, closing the tab) leaves at once; a dropped
   * connection keeps the name for the grace period so the client can resume.
   */
  async disconnected(socket: ChatSocket, reason: string): Promise<void> {
    const member = this.roster.of(socket);
    if (member) this.delivery.detach(member.sessionId, socket);
    await this.audit.record('disconnect', {
      actor: socket.data.username ?? null,
      detail: { reason, address: socket.data.addressHash },
    });
    // shutting down: the name stays claimed, and the next start holds it for a resume
    if (!member || this.roster.isConnected(member) || this.realtime.closing)
      return;
    if (
      reason === 'client namespace disconnect' ||
      reason === 'server namespace disconnect'
    ) {
      await this.leave(member, 'logout');
      return;
    }
    const grace = this.configService.config.resumeGraceMs;
    await this.repository.update(member.sessionId, {
      heldUntil: Date.now() + grace,
    });
    this.holdFor(member, grace);
    this.publishMember('member', member);
  }

  /**
   * Removes a user at an administrator's request: they are told why, everyone sees them leave,
   * the name and its resume token are released. A `kick` keeps the name and the address out for
   * a while; after a `release` (the name no longer belongs to their key) its next owner may log
   * in at once. False when nobody holds that name.
   */
  async kick(username: string, removal: Removal = 'kick'): Promise<boolean> {
    const key = typedNameKey(username);
    const member = this.roster.byKey(key);
    if (member) await this.remove(member, removal);
    else if (this.roster.directory.byKey(key))
      // held by another instance: that one removes them
      this.cluster.publish('kick', { key, removal });
    else return false;
    return true;
  }

  private async remove(member: Member, removal: Removal): Promise<void> {
    this.delivery.release(
      member.sessionId,
      new SessionsException(
        ErrorCode.Kicked,
        removal === 'kick'
          ? 'An administrator removed you from the chat.'
          : 'An administrator released your name: it no longer belongs to this browser.',
      ),
    );
    if (removal === 'kick') {
      // the name and the address stay out for a while, on every instance (A51)
      const until = Date.now() + this.configService.config.kickBanMs;
      this.bans.add(member.key, member.addressHash, until);
      this.cluster.publish('banned', {
        key: member.key,
        address: member.addressHash,
        until,
      });
      await this.audit.record('user_kicked', { target: member.username });
    }
    await this.leave(member, 'kicked');
  }

  private async leave(member: Member, reason: LeaveReason): Promise<void> {
    if (!this.roster.delete(member)) return;
    clearTimeout(member.graceTimer);
    this.delivery.leave(member.sessionId);
    // resumed on another instance meanwhile: the claim and the user are theirs now
    if (
      !(await this.repository.release(
        member.sessionId,
        this.cluster.instanceId,
      ))
    )
      return;
    await this.audit.record('user_left', {
      actor: member.username,
      detail: { reason },
    });
    await this.identity.used(member.key);
    this.left$.next(member);
    const at = new Date().toISOString();
    this.presence.left(member.username, reason, at);
    this.cluster.publish('member-left', {
      sessionId: member.sessionId,
      username: member.username,
      at,
      reason,
    });
  }

  /** Listens to the other instances and, each heartbeat, heals the claims from the database. */
  private joinCluster(): void {
    this.presence.mirrorCluster();
    this.cluster.on('banned', ({ key, address, until }) =>
      this.bans.add(key, address, until),
    );
    this.cluster.on('kick', ({ key, removal }) => {
      const member = this.roster.byKey(key);
      if (member) void this.remove(member, removal);
    });
    this.cluster.tick$.subscribe(() => void this.reconcile());
    this.cluster.revived$.subscribe(() => void this.reclaim());
  }

  /** Taken for dead while alive: the claims of members still here are ours again. */
  private async reclaim(): Promise<void> {
    try {
      const members = this.roster.local();
      for (const connected of [true, false])
        await this.repository.reclaim(
          members
            .filter((m) => this.roster.isConnected(m) === connected)
            .map((m) => m.sessionId),
          this.cluster.instanceId,
          connected,
        );
    } catch (error) {
      this.logger.warn(`reclaim failed: ${(error as Error).message}`);
    }
  }

  /**
   * A resume whose claim another instance holds (the client reconnected elsewhere) or held
   * (it died): the claim moves here, atomically, unless its hold ran out.
   */
  private async adopt(
    row: SessionEntity,
    socket: ChatSocket,
  ): Promise<{ member: Member; known: boolean } | undefined> {
    if (!this.cluster.enabled || row.instanceId === this.cluster.instanceId)
      return undefined;
    if (row.heldUntil !== null && row.heldUntil < Date.now()) return undefined;
    const moved = await this.repository.adopt(
      row.id,
      row.instanceId,
      this.cluster.instanceId,
    );
    if (!moved) return undefined;
    const member: Member = {
      sessionId: row.id,
      username: row.username,
      key: row.nameKey,
      since: row.connectedSince,
      addressHash: socket.data.addressHash,
    };
    this.roster.add(member);
    // the others saw this user; only if this instance did too is there no join to announce
    return {
      member,
      known: this.roster.directory.remove(row.id) !== undefined,
    };
  }

  private publishMember(event: 'member' | 'moved', member: Member): void {
    this.cluster.publish(event, {
      sessionId: member.sessionId,
      username: member.username,
      key: member.key,
      since: member.since,
      instance: this.cluster.instanceId,
      connected: this.roster.isConnected(member),
    });
  }

  /**
   * Each heartbeat: claims of dead instances become orphans (held for a resume anywhere, gone
   * from everyone's list), orphans nobody resumed in time are released, and the directory is
   * set to what the database holds (events lost while Redis was away).
   */
  private async reconcile(): Promise<void> {
    try {
      const now = Date.now();
      await this.repository.orphanLost(
        now + this.configService.config.resumeGraceMs,
      );
      for (const username of await this.repository.releaseExpiredOrphans(now))
        await this.audit.record('user_left', {
          actor: username,
          detail: { reason: 'timeout' },
        });
      await this.presence.reconcile(now);
    } catch (error) {
      this.logger.warn(`cluster reconcile failed: ${(error as Error).message}`);
    }
  }

  /**
   * After a restart (or a crash) nobody is connected, but the users of the previous run still
   * hold their resume tokens: their names are held for one grace period, so clients that
   * reconnect take them back as after any dropped connection.
   */
  private async holdPreviousClaims(): Promise<void> {
    const grace = this.configService.config.resumeGraceMs;
    const heldUntil = Date.now() + grace;
    const rows = await this.repository.holdAll(
      heldUntil,
      this.cluster.instanceId,
    );
    for (const row of rows) {
      const member: Member = {
        sessionId: row.id,
        username: row.username,
        key: row.nameKey,
        since: row.connectedSince,
        addressHash: '',
      };
      this.roster.add(member);
      this.holdFor(member, grace);
    }
  }

  /** Keeps the name for a resume; when the grace period ends without one, the member leaves. */
  private holdFor(member: Member, graceMs: number): void {
    member.graceTimer = setTimeout(
      () => void this.leave(member, 'timeout'),
      graceMs,
    );
    member.graceTimer.unref();
  }

  private attach(member: Member, socket: ChatSocket): void {
    this.guard.authenticated(socket);
    this.delivery.attach(member.sessionId, member.username, socket);
  }

  private welcome(
    member: Member,
    resumeToken: string,
    resumed: boolean,
    lastMessageId?: number,
  ): void {
    this.delivery.welcome(member.sessionId, {
      username: member.username,
      resumeToken,
      graceMs: this.configService.config.resumeGraceMs,
      resumed,
      ...this.roster.page(),
      online: this.roster.size,
    });
    this.joined$.next({ member, lastMessageId });
  }

  /**
   * A refused login or resume: anyone can repeat one at will, so its rows are bounded per
   * connection and address, and the repeats beyond are counted (L72, as L41).
   */
  private refused(
    type: 'login_rejected' | 'resume_rejected',
    socket: ChatSocket,
    entry: AuditEntry,
  ): Promise<void> {
    return this.audit.recordRepeatable(
      type,
      { address: socket.data.addressHash, connection: socket.id },
      entry,
    );
  }

  private assertNotLoggedIn(socket: ChatSocket): void {
    if (socket.data.sessionId) {
      throw new SessionsException(
        ErrorCode.AlreadyLoggedIn,
        'You are already logged in.',
      );
    }
  }
}
