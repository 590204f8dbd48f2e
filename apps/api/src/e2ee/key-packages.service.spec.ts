import { ErrorCode, ServerEvent } from '@app/shared';
import { Subject } from 'rxjs';

import type { AuditService } from '../audit/audit.service';
import type { ClusterService } from '../cluster/cluster.service';
import type { DeliveryService } from '../realtime/delivery.service';
import type { Member, Roster } from '../sessions/roster';
import type { SessionsService } from '../sessions/sessions.service';
import { KeyPackagesService } from './key-packages.service';

const member = (name: string): Member => ({
  sessionId: `s-${name}`,
  username: name,
  key: name.toLowerCase(),
  since: '',
  addressHash: '',
});

/** Two instances: the requester's (A) and the one holding the target (B), a cluster between. */
function cluster() {
  const handlers = new Map<string, (ask: never) => unknown>();
  const sent: { sessionId: string; event: string; payload: unknown }[] = [];
  const audited: { type: string; entry: unknown }[] = [];
  const delivery = {
    toMember: (sessionId: string, event: string, payload: unknown) => {
      sent.push({ sessionId, event, payload });
      return true;
    },
  } as unknown as DeliveryService;
  const audit = {
    record: async (type: string, entry: unknown) => {
      audited.push({ type, entry });
    },
  } as unknown as AuditService;
  const victim = member('Victor');
  const instance = (holds: Member[], others: Member[]) => {
    const roster = {
      get: (id: string) => holds.find((m) => m.sessionId === id),
      isConnected: () => true,
      locate: (name: string) => {
        const here = holds.find((m) => m.key === name.toLowerCase());
        if (here) return { here, username: here.username };
        const there = others.find((m) => m.key === name.toLowerCase());
        return there && { there, username: there.username };
      },
    } as unknown as Roster;
    const service = new KeyPackagesService(
      { left$: new Subject<Member>() } as unknown as SessionsService,
      roster,
      delivery,
      audit,
      {
        answer: (event: string, handler: (ask: never) => unknown) =>
          handlers.set(event, handler),
        request: async (event: string, ask: never) => [
          null,
          handlers.get(event)?.(ask) ?? null,
        ],
      } as unknown as ClusterService,
    );
    return service;
  };
  const b = instance([victim], []);
  b.onModuleInit();
  const a = instance([], [victim]);
  return { a, b, victim, sent, audited };
}

describe('KeyPackagesService across instances (E73)', () => {
  it('keeps the per-pair limit where the target is held, tells its owner there, and audits a last resort', async () => {
    const { a, b, victim, sent, audited } = cluster();
    b.publish(victim, ['p0', 'p1', 'p2', 'p3'], 'last');
    const mallory = member('mallory');
    const trent = member('trent');
    for (let i = 0; i < 3; i++) await a.claim(mallory, 'victor');
    await a.claim(trent, 'victor');
    const handed = sent
      .filter((s) => s.event === ServerEvent.KeyPackage)
      .map((s) => [s.sessionId, (s.payload as { package: string }).package]);
    expect(handed).toEqual([
      ['s-mallory', 'p0'],
      ['s-mallory', 'last'],
      ['s-mallory', 'last'],
      ['s-trent', 'p1'],
    ]);
    // the owner, held by B, is told once (a last resort went out)
    expect(sent.filter((s) => s.event === ServerEvent.KeyPackagesLow)).toEqual([
      {
        sessionId: 's-Victor',
        event: ServerEvent.KeyPackagesLow,
        payload: { remaining: 3 },
      },
    ]);
    expect(audited.map((a) => a.entry)).toEqual([
      { actor: 'mallory', target: 'Victor' },
      { actor: 'mallory', target: 'Victor', detail: { lastResort: true } },
      { actor: 'mallory', target: 'Victor', detail: { lastResort: true } },
      { actor: 'trent', target: 'Victor' },
    ]);
  });

  it('refuses a requester past 10 claims a minute with rate_limited, handing out nothing', async () => {
    const { a, b, victim, sent } = cluster();
    b.publish(victim, ['p0'], 'last');
    const rick = member('rick');
    for (let i = 0; i < 10; i++) await a.claim(rick, 'victor');
    const before = sent.length;
    await expect(a.claim(rick, 'victor')).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
    });
    expect(sent).toHaveLength(before);
    await expect(a.claim(member('rita'), 'victor')).resolves.toBeUndefined();
  });
});
