import { createHash } from 'node:crypto';

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

const QUOTA = {
  userBytesPerDay: 40 * 1024,
  addressBytesPerDay: 1024 * 1024,
  minFreeBytes: 0,
};

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
        messages: QUOTA,
        database: { type: 'postgres', url: 'postgres://unused' },
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

describe('MessagingService public messages (repository, roster, delivery and audit mocked)', () => {
  const alice: Member = {
    sessionId: 's-alice',
    username: 'alice',
    key: 'alice',
    since: '',
    addressHash: 'h',
  };

  function service() {
    const stored = new Map<string, { id: number; clientId: string }>();
    const repository = {
      stored: jest.fn(async (_sender: string, clientId: string) => {
        const earlier = stored.get(clientId);
        return earlier && { ...earlier, sender: 'alice', text: '', at: '' };
      }),
      append: jest.fn(
        async (row: { clientId: string; sender: string; text: string }) => {
          const earlier = stored.get(row.clientId);
          if (earlier)
            return { row: { ...row, ...earlier, at: '' }, duplicate: true };
          const id = stored.size + 1;
          stored.set(row.clientId, { id, clientId: row.clientId });
          return { row: { ...row, id, at: '' }, duplicate: false };
        },
      ),
    };
    const audit = { record: jest.fn(async () => undefined) };
    const messaging = new MessagingService(
      repository as unknown as MessagesRepository,
      {} as ReactionsRepository,
      {} as SessionsService,
      {
        size: 2,
        connected: () => [],
        isConnected: () => false,
      } as unknown as Roster,
      { toRoom: jest.fn(), toMember: jest.fn() } as unknown as DeliveryService,
      audit as unknown as AuditService,
      { enabled: false, publish: jest.fn() } as unknown as ClusterService,
      new AppConfigService({
        limits: { roomDeliveriesPerSecond: 1000, roomAddressSharePercent: 20 },
        messages: QUOTA,
        database: { type: 'postgres', url: 'postgres://unused' },
      } as AppConfig),
    );
    return { messaging, repository, audit };
  }

  it('L76: the audit row proves the text by its digest and size, and holds no second copy', async () => {
    const { messaging, audit } = service();
    const text = 'a public word, kept once';
    await messaging.sendPublic(alice, 'c1', text);
    const [[type, row]] = audit.record.mock.calls as unknown as [
      [string, { detail: Record<string, unknown> }],
    ];
    expect(type).toBe('message_public');
    expect(row.detail).toEqual({
      id: 1,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    });
    expect(JSON.stringify(row)).not.toContain(text);
  });

  it("L76: a name's day of text is spent by what is stored, not by resends of it", async () => {
    const { messaging, repository } = service();
    const long = 'x'.repeat(4000); // 4,000 bytes: ten fit in 40 KB
    await messaging.sendPublic(alice, 'c0', long);
    // resends of a stored message cost nothing: without their refund c5 would not fit
    for (let i = 0; i < 5; i++) await messaging.sendPublic(alice, 'c0', long);
    for (let i = 1; i < 10; i++)
      await messaging.sendPublic(alice, `c${i}`, long);
    await expect(
      messaging.sendPublic(alice, 'c10', long),
    ).rejects.toMatchObject({
      code: ErrorCode.QuotaExceeded,
      field: 'text',
      message: expect.stringMatching(/a day allows \(40 KB\).*fits again in/),
    });
    // refused before it reached the database
    expect(repository.append).toHaveBeenCalledTimes(15);
    // once the day is spent, a resend is still answered, from what is stored
    await messaging.sendPublic(alice, 'c3', long);
    expect(repository.append).toHaveBeenCalledTimes(15);
    expect(repository.stored).toHaveBeenCalledTimes(2);
  });
});
