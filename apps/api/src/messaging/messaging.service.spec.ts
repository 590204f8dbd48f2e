import { ErrorCode, ServerEvent } from '@app/shared';

import type { AuditService } from '../audit/audit.service';
import type { ClusterService } from '../cluster/cluster.service';
import { type AppConfig, AppConfigService } from '../config/app-config.service';
import type { DeliveryService } from '../realtime/delivery.service';
import type { Member, Roster } from '../sessions/roster';
import type { SessionsService } from '../sessions/sessions.service';
import type { MessagesRepository } from './messages.repository';
import { MessagingService } from './messaging.service';
import type { ReactionsRepository } from './reactions.repository';

describe('MessagingService private messages (roster, delivery and audit mocked)', () => {
  const member = (name: string): Member => ({
    sessionId: `s-${name}`,
    username: name,
    key: name,
    since: '',
    addressHash: 'h',
  });
  const alice = member('alice');
  const bob = member('bob');
  /** As the server sees every private message: ciphertext it cannot read. */
  const sealed = (mls: string) => ({
    text: '',
    e2ee: {
      v: 1 as const,
      kind: 'message' as const,
      conversation: 'AAAAAAAAAAAAAAAAAAAAAA==',
      mls,
    },
  });

  function service() {
    const committed: (() => void)[] = [];
    const audit = {
      // the audit row commits only when the test says so
      record: jest.fn(() => new Promise<void>((done) => committed.push(done))),
    };
    const delivery = { toMember: jest.fn(), toMembers: jest.fn() };
    const roster = {
      locate: (name: string) =>
        name === 'bob' ? { here: bob, username: 'bob' } : undefined,
    };
    const messaging = new MessagingService(
      {} as MessagesRepository,
      {} as ReactionsRepository,
      {} as SessionsService,
      roster as unknown as Roster,
      delivery as unknown as DeliveryService,
      audit as unknown as AuditService,
      { enabled: false } as unknown as ClusterService,
      new AppConfigService({
        limits: { roomDeliveriesPerSecond: 1000, roomAddressSharePercent: 20 },
      } as AppConfig),
    );
    return { messaging, delivery, commit: () => committed.forEach((c) => c()) };
  }

  it('a resend that arrives while the first attempt awaits its audit row is delivered once', async () => {
    const { messaging, delivery, commit } = service();
    const first = messaging.sendPrivate(alice, 'c1', 'bob', sealed('cHNzdA=='));
    const resend = messaging.sendPrivate(
      alice,
      'c1',
      'bob',
      sealed('cHNzdA=='),
    );
    await Promise.resolve();
    commit();
    await Promise.all([first, resend]);
    // one delivery to both, then the resend's acknowledgement to the sender alone
    expect(delivery.toMembers).toHaveBeenCalledTimes(1);
    expect(delivery.toMember).toHaveBeenCalledTimes(1);
    const [[recipients, , delivered]] = delivery.toMembers.mock.calls;
    expect(recipients).toEqual([alice.sessionId, bob.sessionId]);
    const [[to, event, ack]] = delivery.toMember.mock.calls;
    expect([to, event, ack]).toEqual([
      alice.sessionId,
      ServerEvent.PrivateMessageCreated,
      delivered,
    ]);
  });

  it('E63: a private message in the clear is refused before anything is delivered or audited', async () => {
    const { messaging, delivery } = service();
    await expect(
      messaging.sendPrivate(alice, 'c0', 'bob', { text: 'trust me' }),
    ).rejects.toMatchObject({
      code: ErrorCode.InvalidPayload,
      field: 'e2ee',
    });
    expect(delivery.toMembers).not.toHaveBeenCalled();
    expect(delivery.toMember).not.toHaveBeenCalled();
  });

  it('keeps no private ciphertext in memory for resends, only its metadata', async () => {
    const { messaging, commit } = service();
    const sent = messaging.sendPrivate(
      alice,
      'c2',
      'bob',
      sealed('c2VjcmV0IHBsYW4='),
    );
    await Promise.resolve();
    commit();
    await sent;
    const memory = JSON.stringify(
      (messaging as unknown as { recentPrivate: unknown }).recentPrivate,
      (_key, value: unknown) =>
        value instanceof Map ? [...value.entries()] : value,
    );
    expect(memory).toContain('c2');
    expect(memory).not.toContain('c2VjcmV0IHBsYW4=');
  });
});
