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
  type PresenceChange,
  ServerEvent,
  type SessionJoinedPayload,
  USERNAME_PROBLEM_MESSAGES,
  type UserPayload,
} from '@app/shared';
import { Subject, throttleTime } from 'rxjs';

import { AuditCheckpointsService } from '../audit/audit-checkpoints.service';
import { AuditService } from '../audit/audit.service';
import type { Removal, RemoteMember } from '../cluster/cluster-events';
import { ClusterService } from '../cluster/cluster.service';
import { AppConfigService } from '../config/app-config.service';
import type { ChatSocket } from '../realtime/chat-socket';
import {
  IdentityService,
  NameOwnedException,
} from '../identity/identity.service';
import { ConnectionGuard } from '../realtime/connection-guard';
import { RealtimeService } from '../realtime/realtime.service';
import { Directory } from './directory';
import { KickBans } from './kick-bans';
import { checkName, typedNameKey } from '../identity/name-identity';
import { SessionsException } from './sessions.exception';
import type { SessionEntity } from './session.entity';
import { SessionsRepository } from './sessions.repository';

/** A logged-in user on this instance; `socket` is absent while the name is held for a reconnect. */
export interface Member {
  sessionId: string;
  username: string;
  key: string;
  since: string;
  /** Salted hash of the address the user logged in from (shown to admins). */
  addressHash: string;
  socket?: ChatSocket;
  graceTimer?: NodeJS.Timeout;
  /** The presence change its last user list included: it is sent only the ones after. */
  presenceFrom?: number;
}

/** Checkpoints go to clients at most this often (each client keeps only the newest). */
const CHECKPOINT_PUSH_MS = 1000;

/** Joins and leaves wait this long to go out together: one frame per client per tick in a storm. */
const PRESENCE_TICK_MS = 100;

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
 * Who is in the room: logins, resumes, leaves, and the grace period after a dropped connection.
 * `members` are this instance's; with several instances, `directory` holds the others'.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly members = new Map<string, Member>();
  private readonly directory = new Directory();
  private readonly bans = new KickBans();
  private readonly logger = new Logger('Sessions');
  /** A member (re)joined and has been told so: other domains add what a newcomer needs. */
  readonly joined$ = new Subject<Joined>();
  /** A member left for good (logout, timeout or kick): other domains drop what was theirs. */
  readonly left$ = new Subject<Member>();
  private presenceSeq = 0;
  private presenceQueue: { seq: number; change: PresenceChange }[] = [];
  private presenceTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: SessionsRepository,
    private readonly realtime: RealtimeService,
    private readonly guard: ConnectionGuard,
    private readonly audit: AuditService,
    private readonly configService: AppConfigService,
    private readonly checkpoints: AuditCheckpointsService,
    private readonly cluster: ClusterService,
    private readonly identity: IdentityService,
  ) {}

  async onModuleInit(): Promise<void> {
    // in a cluster, a previous run's claims belong to an instance id that is gone: any instance
    // releases them or lets their users resume
    if (this.cluster.enabled) this.joinCluster();
    else await this.holdPreviousClaims();
    // every client keeps the latest signed checkpoint: a copy of the log's head outside the
    // database. Under heavy traffic checkpoints come many times a second; clients keep only the
    // newest, so at most one a second goes out (the first at once, the newest at the end).
    this.checkpoints.created$
      .pipe(
        throttleTime(CHECKPOINT_PUSH_MS, undefined, {
          leading: true,
          trailing: true,
        }),
      )
      .subscribe((checkpoint) =>
        this.realtime.toRoom(ServerEvent.AuditCheckpoint, checkpoint),
      );
  }

  onModuleDestroy(): void {
    clearTimeout(this.presenceTimer);
    for (const member of this.members.values()) clearTimeout(member.graceTimer);
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
      await this.audit.record('login_rejected', {
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
      await this.audit.record('login_rejected', {
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
      await this.audit.record('login_rejected', {
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
    this.members.set(member.sessionId, member);
    this.attach(member, socket);
    this.announceJoined(member);
    this.publishMember('member', member);
    this.welcome(member, token, false, lastMessageId);
  }

  /**
   * The name for this login, as its identity key bound it: the proof must verify on this
   * connection, and the name must be free or already this key's (E60).
   */
  private async own(
    socket: ChatSocket,
    requested: string,
    key: string,
    username: string,
    proof: IdentityProofPayload,
  ): Promise<string> {
    const reject = (reason: string) =>
      this.audit.record('login_rejected', {
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
      return (await this.identity.claim(key, username, identityKey)).username;
    } catch (error) {
      if (!(error instanceof NameOwnedException)) throw error;
      // someone is using it now: that is what the user needs to hear first
      const online = this.heldHere(key) ?? this.directory.byKey(key);
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
    const local = rotated ? this.members.get(row.id) : undefined;
    const adopted =
      rotated && !local ? await this.adopt(row, socket) : undefined;
    const member = local ?? adopted?.member;
    if (!row || !member) {
      await this.audit.record('resume_rejected', {
        detail: { address: socket.data.addressHash },
      });
      throw sessionExpired();
    }
    await this.audit.record('session_resumed', {
      actor: member.username,
      detail: { address: socket.data.addressHash },
    });
    // meanwhile the grace period may have ended, or this client gone
    if (this.members.get(member.sessionId) !== member) {
      throw sessionExpired();
    }
    if (!socket.connected) return;
    // from here on synchronous, as in login: nothing overtakes the catch-up
    clearTimeout(member.graceTimer);
    member.graceTimer = undefined;
    const previous = member.socket;
    if (previous) {
      previous.data.sessionId = undefined;
      previous.disconnect(true);
    }
    this.attach(member, socket);
    if (adopted && !adopted.known) this.announceJoined(member);
    this.publishMember(adopted ? 'moved' : 'member', member);
    this.welcome(member, next, true, lastMessageId);
  }

  async logout(socket: ChatSocket): Promise<void> {
    const member = this.memberOf(socket);
    if (member) await this.leave(member, 'logout');
  }

  /**
   * A client that disconnects on purpose (logout, closing the tab) leaves at once; a dropped
   * connection keeps the name for the grace period so the client can resume.
   */
  async disconnected(socket: ChatSocket, reason: string): Promise<void> {
    const member = this.memberOf(socket);
    if (member?.socket === socket) member.socket = undefined;
    await this.audit.record('disconnect', {
      actor: socket.data.username ?? null,
      detail: { reason, address: socket.data.addressHash },
    });
    // shutting down: the name stays claimed, and the next start holds it for a resume
    if (!member || member.socket || this.realtime.closing) return;
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
   * Where the user of that name is connected: here (`here`), on another instance (`there`), or
   * nowhere (undefined); `username` as they registered it.
   */
  locate(
    username: string,
  ): { here?: Member; there?: RemoteMember; username: string } | undefined {
    const here = this.findOnline(username);
    if (here) return { here, username: here.username };
    const there = this.findRemote(username);
    return there && { there, username: there.username };
  }

  /** A member connected to another instance whose name matches, in a cluster. */
  findRemote(username: string): RemoteMember | undefined {
    const found = this.directory.byKey(typedNameKey(username));
    return found?.connected ? found : undefined;
  }

  /** This instance's connected member with that session, if any. */
  connectedMember(sessionId: string): Member | undefined {
    const member = this.members.get(sessionId);
    return member?.socket ? member : undefined;
  }

  /** The connected member whose name matches (case- and look-alike-insensitively). */
  findOnline(username: string): Member | undefined {
    const key = typedNameKey(username);
    for (const member of this.members.values()) {
      if (member.key === key && member.socket) return member;
    }
    return undefined;
  }

  /**
   * The member behind a socket, for commands that need a username. Called by gateways inside
   * the socket's command queue, so a login or resume sent just before has completed (A15).
   */
  requireMember(socket: ChatSocket): Member {
    const member = this.memberOf(socket);
    if (!member)
      throw new SessionsException(
        ErrorCode.NotLoggedIn,
        'Please log in first.',
      );
    return member;
  }

  memberOf(socket: ChatSocket): Member | undefined {
    const id = socket.data.sessionId;
    return id ? this.members.get(id) : undefined;
  }

  /** Everyone holding a name, on this instance and the others. */
  users(): UserPayload[] {
    return [...this.members.values(), ...this.remote()].map((m) =>
      this.toUser(m),
    );
  }

  /** Everyone holding a name, for the admin API (never keys or tokens). */
  all(): readonly Member[] {
    return [...this.members.values()];
  }

  /** Members other instances hold (empty with one instance). */
  remote(): readonly RemoteMember[] {
    return this.directory.all().filter((m) => !this.members.has(m.sessionId));
  }

  /**
   * Removes a user at an administrator's request: they are told why, everyone sees them leave,
   * the name and its resume token are released. A `kick` keeps the name and the address out for
   * a while; after a `release` (the name no longer belongs to their key) its next owner may log
   * in at once. False when nobody holds that name.
   */
  async kick(username: string, removal: Removal = 'kick'): Promise<boolean> {
    const key = typedNameKey(username);
    const member = this.heldHere(key);
    if (member) await this.remove(member, removal);
    else if (this.directory.byKey(key))
      // held by another instance: that one removes them
      this.cluster.publish('kick', { key, removal });
    else return false;
    return true;
  }

  private heldHere(key: string): Member | undefined {
    return [...this.members.values()].find((m) => m.key === key);
  }

  private async remove(member: Member, removal: Removal): Promise<void> {
    const socket = member.socket;
    if (socket) {
      this.realtime.send(socket, ServerEvent.Exception, {
        code: ErrorCode.Kicked,
        message:
          removal === 'kick'
            ? 'An administrator removed you from the chat.'
            : 'An administrator released your name: it no longer belongs to this browser.',
      });
    }
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
    socket?.disconnect(true);
  }

  /** Members with a live connection. */
  *connected(): Iterable<Member & { socket: ChatSocket }> {
    for (const member of this.members.values()) {
      if (member.socket) yield member as Member & { socket: ChatSocket };
    }
  }

  private async leave(member: Member, reason: LeaveReason): Promise<void> {
    if (this.members.get(member.sessionId) !== member) return;
    clearTimeout(member.graceTimer);
    this.members.delete(member.sessionId);
    this.realtime.depart(member.socket);
    if (member.socket) {
      member.socket.data.sessionId = undefined;
      member.socket.data.username = undefined;
    }
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
    const left = {
      username: member.username,
      at: new Date().toISOString(),
      reason,
    };
    this.announce({ left });
    this.cluster.publish('member-left', {
      sessionId: member.sessionId,
      ...left,
    });
  }

  /** Listens to the other instances and, each heartbeat, heals the directory from the database. */
  private joinCluster(): void {
    this.cluster.on('member', (remote) => {
      if (this.members.has(remote.sessionId)) return;
      if (this.directory.upsert(remote)) this.announceJoined(remote);
    });
    this.cluster.on('moved', (remote) => {
      const local = this.members.get(remote.sessionId);
      const known = this.directory.upsert(remote) === false;
      if (local) this.handOver(local);
      else if (!known) this.announceJoined(remote);
    });
    this.cluster.on('member-left', ({ sessionId, ...left }) => {
      if (this.directory.remove(sessionId)) this.announce({ left });
    });
    this.cluster.on('banned', ({ key, address, until }) =>
      this.bans.add(key, address, until),
    );
    this.cluster.on('kick', ({ key, removal }) => {
      const member = this.heldHere(key);
      if (member) void this.remove(member, removal);
    });
    this.cluster.tick$.subscribe(() => void this.reconcile());
    this.cluster.revived$.subscribe(() => void this.reclaim());
  }

  /** Taken for dead while alive: the claims of members still here are ours again. */
  private async reclaim(): Promise<void> {
    try {
      const members = [...this.members.values()];
      for (const connected of [true, false])
        await this.repository.reclaim(
          members
            .filter((m) => (m.socket !== undefined) === connected)
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
    this.members.set(member.sessionId, member);
    // the others saw this user; only if this instance did too is there no join to announce
    return { member, known: this.directory.remove(row.id) !== undefined };
  }

  /** Another instance took over a member of ours: let go without a leave (it never left). */
  private handOver(member: Member): void {
    clearTimeout(member.graceTimer);
    this.members.delete(member.sessionId);
    const socket = member.socket;
    if (socket) {
      socket.data.sessionId = undefined;
      socket.disconnect(true);
    }
  }

  private publishMember(event: 'member' | 'moved', member: Member): void {
    this.cluster.publish(event, {
      sessionId: member.sessionId,
      username: member.username,
      key: member.key,
      since: member.since,
      instance: this.cluster.instanceId,
      connected: member.socket !== undefined,
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
      const rows = await this.repository.othersMembers(
        this.cluster.instanceId,
        this.cluster.aliveSince,
      );
      const { joined, left } = this.directory.reconcile(
        rows.filter((row) => !this.members.has(row.sessionId)),
        now,
      );
      for (const m of joined) this.announceJoined(m);
      const at = new Date().toISOString();
      for (const m of left)
        this.announce({
          left: { username: m.username, at, reason: 'timeout' },
        });
    } catch (error) {
      this.logger.warn(`cluster reconcile failed: ${(error as Error).message}`);
    }
  }

  private announceJoined(member: Pick<Member, 'username' | 'since'>): void {
    this.announce({ joined: { user: this.toUser(member), at: member.since } });
  }

  private announce(change: PresenceChange): void {
    this.presenceQueue.push({ seq: ++this.presenceSeq, change });
    this.presenceTimer ??= setTimeout(
      () => this.flushPresence(),
      PRESENCE_TICK_MS,
    );
    this.presenceTimer.unref();
  }

  /**
   * Sends the joins and leaves gathered so far: one encoding for everyone who had none of them,
   * the newer part for members whose user list already held the rest. Messaging calls it before
   * a message goes out, so nobody's first words overtake their arrival.
   */
  flushPresence(): void {
    clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    const queue = this.presenceQueue.splice(0);
    if (queue.length === 0) return;
    // members whose user list already holds part of the batch (they joined during it)
    const partial: ChatSocket[] = [];
    for (const member of this.connected()) {
      const from = member.presenceFrom ?? 0;
      if (from < queue[0].seq) continue;
      partial.push(member.socket);
      const news = queue.filter((q) => q.seq > from).map((q) => q.change);
      if (news.length > 0)
        this.realtime.send(member.socket, ServerEvent.Presence, {
          changes: news,
        });
    }
    this.realtime.toRoom(
      ServerEvent.Presence,
      { changes: queue.map((q) => q.change) },
      partial,
    );
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
      this.members.set(member.sessionId, member);
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
    member.socket = socket;
    socket.data.sessionId = member.sessionId;
    socket.data.username = member.username;
    this.realtime.admit(socket);
  }

  private welcome(
    member: Member,
    resumeToken: string,
    resumed: boolean,
    lastMessageId?: number,
  ): void {
    member.presenceFrom = this.presenceSeq;
    const joined: SessionJoinedPayload = {
      username: member.username,
      resumeToken,
      graceMs: this.configService.config.resumeGraceMs,
      resumed,
      users: this.users(),
    };
    if (member.socket) {
      this.realtime.send(member.socket, ServerEvent.SessionJoined, joined);
      const checkpoint = this.checkpoints.current();
      if (checkpoint)
        this.realtime.send(
          member.socket,
          ServerEvent.AuditCheckpoint,
          checkpoint,
        );
    }
    this.joined$.next({ member, lastMessageId });
  }

  private assertNotLoggedIn(socket: ChatSocket): void {
    if (socket.data.sessionId) {
      throw new SessionsException(
        ErrorCode.AlreadyLoggedIn,
        'You are already logged in.',
      );
    }
  }

  private toUser(member: Pick<Member, 'username' | 'since'>): UserPayload {
    return { username: member.username, since: member.since };
  }
}
