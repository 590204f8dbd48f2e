import { ServerEvent } from '@app/shared';

import type { AuditService } from '../audit/audit.service';
import type { ClusterService } from '../cluster/cluster.service';
import { type AppConfig, AppConfigService } from '../config/app-config.service';
import type { ChatSocket } from '../realtime/chat-socket';
import type { RealtimeService } from '../realtime/realtime.service';
import type { Member, SessionsService } from '../sessions/sessions.service';
import type { MessagesRepository } from './messages.repository';
import { MessagingService } from './messaging.service';
import type { ReactionsRepository } from './reactions.repository';

describe('MessagingService private messages (sessions, realtime and audit mocked)', () => {
  const socket = (id: string) => ({ id }) as unknown as ChatSocket;
  const member = (name: string): Member => ({
    sessionId: `s-${name}`,
    username: name,
    key: name,
    since: '',
    addressHash: 'h',
    socket: socket(name),
  });
  const alice = member('alice');
  const bob = member('bob');

  function service() {
    const committed: (() => void)[] = [];
    const audit = {
      // the audit row commits only when the test says so
      record: jest.fn(() => new Promise<void>((done) => committed.push(done))),
    };
    const realtime = { send: jest.fn(), sendToEach: jest.fn() };
    const sessions = {
      locate: (name: string) =>
        name === 'bob' ? { here: bob, username: 'bob' } : undefined,
      flushPresence: jest.fn(),
    };
    const messaging = new MessagingService(
      {} as MessagesRepository,
      {} as ReactionsRepository,
      sessions as unknown as SessionsService,
      realtime as unknown as RealtimeService,
      audit as unknown as AuditService,
      { enabled: false } as unknown as ClusterService,
      new AppConfigService({
        limits: { roomDeliveriesPerSecond: 1000 },
      } as AppConfig),
    );
    return { messaging, realtime, commit: () => committed.forEach((c) => c()) };
  }

  it('a resend that arrives while the first attempt awaits its audit row is delivered once', async () => {
    const { messaging, realtime, commit } = service();
    const first = messaging.sendPrivate(alice, 'c1', 'bob', { text: 'psst' });
    const resend = messaging.sendPrivate(alice, 'c1', 'bob', { text: 'psst' });
    await Promise.resolve();
    commit();
    await Promise.all([first, resend]);
    // one delivery to both, then the resend's acknowledgement to the sender alone
    expect(realtime.sendToEach).toHaveBeenCalledTimes(1);
    expect(realtime.send).toHaveBeenCalledTimes(1);
    const [[, , delivered]] = realtime.sendToEach.mock.calls;
    const [[to, event, ack]] = realtime.send.mock.calls;
    expect([to, event, ack]).toEqual([
      alice.socket,
      ServerEvent.PrivateMessageCreated,
      delivered,
    ]);
  });

  it('keeps no private text in memory for resends, only its metadata', async () => {
    const { messaging, commit } = service();
    const sent = messaging.sendPrivate(alice, 'c2', 'bob', {
      text: 'the secret plan',
    });
    await Promise.resolve();
    commit();
    await sent;
    const memory = JSON.stringify(
      (messaging as unknown as { recentPrivate: unknown }).recentPrivate,
      (_key, value: unknown) =>
        value instanceof Map ? [...value.entries()] : value,
    );
    expect(memory).toContain('c2');
    expect(memory).not.toContain('secret');
  });
});
