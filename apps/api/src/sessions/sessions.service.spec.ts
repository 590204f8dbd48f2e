import { ErrorCode, ServerEvent } from '@app/shared';

import { Subject } from 'rxjs';

import type { AuditCheckpointsService } from '../audit/audit-checkpoints.service';
import type { AuditService } from '../audit/audit.service';
import type { ClusterService } from '../cluster/cluster.service';
import { AppConfigService, loadConfig } from '../config/app-config.service';
import type { ChatSocket } from '../realtime/chat-socket';
import type { IdentityService } from '../identity/identity.service';
import type { ConnectionGuard } from '../realtime/connection-guard';
import { DeliveryService } from '../realtime/delivery.service';
import type { RealtimeService } from '../realtime/realtime.service';
import { PresenceService } from './presence.service';
import { Roster } from './roster';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

const PROOF = { key: 'k', signature: 's' };

function fakeSocket(id: string): ChatSocket {
  return {
    id,
    connected: true,
    data: { addressHash: 'h' },
    disconnect: jest.fn(),
  } as unknown as ChatSocket;
}

describe('SessionsService (repository, realtime and audit mocked; roster, presence and delivery real)', () => {
  interface Claim {
    id: string;
    resumeTokenHash: string;
    previousTokenHash?: string | null;
  }
  const claims = new Map<string, Claim>();
  const repository = {
    claim: jest.fn(async (row: Claim & { nameKey: string }) => {
      if ([...claims.keys()].includes(row.nameKey)) return false;
      claims.set(row.nameKey, row);
      return true;
    }),
    // a copy, as a database read is: a later update does not change what was read
    findByTokenHash: jest.fn(async (hash: string) => {
      const row = [...claims.values()].find(
        (c) => c.resumeTokenHash === hash || c.previousTokenHash === hash,
      );
      return row ? { ...row } : null;
    }),
    update: jest.fn(async (id: string, changes: Partial<Claim>) => {
      const row = [...claims.values()].find((c) => c.id === id);
      if (row) Object.assign(row, changes);
    }),
    rotateToken: jest.fn(
      async (id: string, expected: string, changes: Partial<Claim>) => {
        const row = [...claims.values()].find(
          (c) => c.id === id && c.resumeTokenHash === expected,
        );
        if (row) Object.assign(row, changes);
        return row !== undefined;
      },
    ),
    release: jest.fn(async (id: string) => {
      for (const [key, row] of claims)
        if (row.id === id) return claims.delete(key);
      return false;
    }),
    holdAll: jest.fn(async () => []),
  };
  /** The sockets admitted to the room (room frames reach them). */
  const room = new Set<ChatSocket>();
  const realtime = {
    send: jest.fn(),
    sendToEach: jest.fn(),
    toRoom: jest.fn(),
    admit: jest.fn((socket: ChatSocket) => room.add(socket)),
    depart: jest.fn((socket?: ChatSocket) => socket && room.delete(socket)),
  };
  // every login proves its key; name ownership has tests of its own (API, browser)
  const identity = {
    verifyProof: jest.fn(() => 'key'),
    claim: jest.fn(async (_key: string, username: string) => ({
      username,
      identityKey: 'key',
    })),
    used: jest.fn(),
  };
  const audit = { record: jest.fn(), recordRepeatable: jest.fn() };
  let service: SessionsService;
  let roster: Roster;
  let delivery: DeliveryService;

  const sentTo = (socket: ChatSocket, event: string) =>
    realtime.send.mock.calls
      .filter(([s, e]) => s === socket && e === event)
      .map(([, , payload]) => payload);
  /** Every presence change the socket was sent, in order, once the batch went out. */
  const presenceSeenBy = (socket: ChatSocket) => {
    delivery.flushPresence();
    const direct = realtime.send.mock.calls
      .filter(([s, e]) => s === socket && e === ServerEvent.Presence)
      .map(([, , payload]) => payload);
    const roomFrames = realtime.toRoom.mock.calls
      .filter(
        ([e, , except]) =>
          e === ServerEvent.Presence &&
          room.has(socket) &&
          ![...(except ?? [])].includes(socket),
      )
      .map(([, payload]) => payload);
    return [...direct, ...roomFrames].flatMap((payload) => payload.changes);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    claims.clear();
    room.clear();
    jest.clearAllMocks();
    // one instance alone: nothing is published to others
    const cluster = {
      enabled: false,
      instanceId: 'instance-1',
      publish: jest.fn(),
    } as unknown as ClusterService;
    delivery = new DeliveryService(
      realtime as unknown as RealtimeService,
      {
        created$: new Subject(),
        current: () => undefined,
      } as unknown as AuditCheckpointsService,
    );
    roster = new Roster(delivery);
    service = new SessionsService(
      repository as unknown as SessionsRepository,
      roster,
      new PresenceService(
        roster,
        delivery,
        cluster,
        repository as unknown as SessionsRepository,
      ),
      delivery,
      realtime as unknown as RealtimeService,
      { authenticated: jest.fn() } as unknown as ConnectionGuard,
      audit as unknown as AuditService,
      new AppConfigService({ ...loadConfig({}), resumeGraceMs: 30_000 }),
      cluster,
      identity as unknown as IdentityService,
    );
    void service.onModuleInit();
  });

  afterEach(() => jest.useRealTimers());

  it('welcomes a new user with the list and a resume token, and tells the others', async () => {
    const alice = fakeSocket('a');
    const bob = fakeSocket('b');
    await service.login(alice, 'alice', PROOF);
    await service.login(bob, '  Bob ', PROOF);
    const [welcome] = sentTo(bob, ServerEvent.SessionJoined) as {
      username: string;
      users: unknown[];
      more: boolean;
      online: number;
      resumeToken: string;
    }[];
    expect(welcome.username).toBe('Bob');
    expect(welcome.users).toHaveLength(2);
    expect(welcome).toMatchObject({ more: false, online: 2 });
    expect(welcome.resumeToken).toMatch(/^[\w-]{43}$/);
    // the others learn of the newcomer; the newcomer's own list already had everyone
    expect(presenceSeenBy(alice)).toEqual([
      {
        joined: expect.objectContaining({
          user: expect.objectContaining({ username: 'Bob' }),
        }),
      },
    ]);
    expect(presenceSeenBy(bob)).toEqual([]);
    expect(audit.record).toHaveBeenCalledWith(
      'login_accepted',
      expect.objectContaining({ actor: 'Bob' }),
    );
  });

  it('refuses a taken name and a reserved one with their own codes', async () => {
    await service.login(fakeSocket('a'), 'alice', PROOF);
    await expect(
      service.login(fakeSocket('b'), 'ALICE', PROOF),
    ).rejects.toMatchObject({ code: ErrorCode.UsernameTaken });
    await expect(
      service.login(fakeSocket('c'), 'admin', PROOF),
    ).rejects.toMatchObject({ code: ErrorCode.UsernameReserved });
    await expect(
      service.login(fakeSocket('d'), 'x y', PROOF),
    ).rejects.toMatchObject({
      code: ErrorCode.UsernameInvalid,
    });
  });

  it('holds a dropped user for the grace period, then announces the leave', async () => {
    const alice = fakeSocket('a');
    const bob = fakeSocket('b');
    await service.login(alice, 'alice', PROOF);
    await service.login(bob, 'bob', PROOF);
    await service.disconnected(bob, 'transport close');
    expect(roster.page().users.map((u) => u.username)).toContain('bob');
    expect(roster.findOnline('bob')).toBeUndefined();
    const leaves = () =>
      presenceSeenBy(alice).filter((c: object) => 'left' in c);
    expect(leaves()).toHaveLength(0);

    await jest.advanceTimersByTimeAsync(30_000);
    expect(leaves()).toEqual([
      {
        left: expect.objectContaining({ username: 'bob', reason: 'timeout' }),
      },
    ]);
    expect(roster.page().users.map((u) => u.username)).toEqual(['alice']);
  });

  it('lets a deliberate disconnect leave at once', async () => {
    const bob = fakeSocket('b');
    await service.login(bob, 'bob', PROOF);
    await service.disconnected(bob, 'client namespace disconnect');
    expect(roster.page().users).toEqual([]);
    expect(repository.release).toHaveBeenCalled();
  });

  it('gives the name back to a resume within the grace period and rotates the token', async () => {
    const bob = fakeSocket('b');
    await service.login(bob, 'bob', PROOF);
    const [{ resumeToken }] = sentTo(bob, ServerEvent.SessionJoined) as {
      resumeToken: string;
    }[];
    await service.disconnected(bob, 'ping timeout');

    const again = fakeSocket('b2');
    await service.resume(again, resumeToken);
    const [resumed] = sentTo(again, ServerEvent.SessionJoined) as {
      resumed: boolean;
      resumeToken: string;
    }[];
    expect(resumed.resumed).toBe(true);
    expect(resumed.resumeToken).not.toBe(resumeToken);

    // the old token stays good until the new one is used (its answer may have been lost with
    // its connection)...
    await service.disconnected(again, 'transport close');
    const third = fakeSocket('b3');
    await service.resume(third, resumeToken);
    const [{ resumeToken: latest }] = sentTo(
      third,
      ServerEvent.SessionJoined,
    ) as { resumeToken: string }[];
    await service.disconnected(third, 'transport close');
    const fourth = fakeSocket('b4');
    await service.resume(fourth, latest);
    // ...or the grace period ends, even if its successor was never used (A51)
    await jest.advanceTimersByTimeAsync(60_000);
    expect(roster.page().users.map((u) => u.username)).toEqual(['bob']);
    const held = roster.findOnline('BOB');
    expect(held && delivery.connectionOf(held.sessionId)).toBe(fourth.id);
    await expect(
      service.resume(fakeSocket('b6'), latest),
    ).rejects.toMatchObject({ code: ErrorCode.ResumeFailed });
    // ...and is spent once its successor was used
    await expect(
      service.resume(fakeSocket('b5'), resumeToken),
    ).rejects.toMatchObject({ code: ErrorCode.ResumeFailed });
  });

  it('A51: two resumes racing with one token: exactly one wins', async () => {
    const carl = fakeSocket('c');
    await service.login(carl, 'carl', PROOF);
    const [{ resumeToken }] = sentTo(carl, ServerEvent.SessionJoined) as {
      resumeToken: string;
    }[];
    await service.disconnected(carl, 'ping timeout');
    const results = await Promise.allSettled([
      service.resume(fakeSocket('c1'), resumeToken),
      service.resume(fakeSocket('c2'), resumeToken),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([
      'fulfilled',
      'rejected',
    ]);
  });
});
