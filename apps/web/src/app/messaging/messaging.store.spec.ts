import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ClientEvent, ErrorCode, ServerEvent } from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { FakeSocketService } from '../core/realtime/fake-socket.service.spec-helper';
import { SocketService } from '../core/realtime/socket.service';
import { E2eeService } from '../e2ee/e2ee.service';
import { SessionStore } from '../sessions/session.store';
import { MessagingStore } from './messaging.store';
import { RecipientStore } from './recipient.store';

describe('MessagingStore', () => {
  let socket: FakeSocketService;
  let store: MessagingStore;
  const notify = { error: jest.fn(), info: jest.fn() };
  const sealed = {
    v: 1 as const,
    kind: 'message' as const,
    conversation: 'Y29udg==',
    mls: 'c2VhbGVk',
  };
  const e2ee = {
    seal: async (payload: unknown) => payload,
    sealReaction: jest.fn(async (to: string) => ({
      clientId: 'r1',
      to,
      text: '',
      e2ee: sealed,
    })),
    // opened as it came (the engine has tests of its own)
    reveal: jest.fn<Promise<unknown>, [unknown]>(async (m) => ({ message: m })),
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve));
  const recipients = () => TestBed.inject(RecipientStore);
  const message = (id: number, text: string, at: string) => ({
    id,
    clientId: `c${id}`,
    from: 'alice',
    text,
    at,
  });

  const joinAs = (username: string, resumed = false) =>
    socket.emit(ServerEvent.SessionJoined, {
      username,
      resumeToken: 't',
      graceMs: 1,
      resumed,
      users: [],
      more: false,
      online: 1,
    });

  /** A fresh injector with the fake socket; the stores are created when first injected. */
  const configure = () => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: SocketService, useClass: FakeSocketService },
        { provide: NotifyService, useValue: notify },
        // end to end has tests of its own (API and browser): here a private message is sent as is
        { provide: E2eeService, useValue: e2ee },
      ],
    });
    socket = TestBed.inject(SocketService) as unknown as FakeSocketService;
  };

  beforeEach(() => {
    notify.error.mockReset();
    configure();
    store = TestBed.inject(MessagingStore);
  });

  it('folds history, new messages, private messages and presence into one ordered list', async () => {
    socket.emit(ServerEvent.SessionJoined, {
      username: 'bob',
      resumeToken: 't',
      graceMs: 1,
      resumed: false,
      users: [],
      more: false,
      online: 1,
    });
    socket.emit(ServerEvent.MessageHistory, {
      messages: [message(1, 'one', '2026-01-01T10:00:00.000Z')],
    });
    socket.emit(ServerEvent.UserJoined, {
      user: { username: 'carol', since: 'x' },
      at: '2026-01-01T10:00:01.000Z',
    });
    socket.emit(
      ServerEvent.MessageCreated,
      message(2, 'two', '2026-01-01T10:00:02.000Z'),
    );
    socket.emit(ServerEvent.PrivateMessageCreated, {
      id: 'p1',
      clientId: 'x',
      from: 'bob',
      to: 'alice',
      text: 'psst',
      e2ee: sealed,
      at: '2026-01-01T10:00:03.000Z',
    });
    await settle();
    socket.emit(ServerEvent.UserLeft, {
      username: 'carol',
      at: '2026-01-01T10:00:04.000Z',
      reason: 'timeout',
    });

    expect(store.entries().map((e) => [e.kind, e.text])).toEqual([
      ['global', 'one'],
      ['system', 'carol joined the chat'],
      ['global', 'two'],
      ['private', 'psst'],
      ['system', 'carol lost the connection and left'],
    ]);
    expect(store.entries()[3]).toMatchObject({
      from: 'bob',
      to: 'alice',
      mine: true,
    });
  });

  it('does not duplicate messages when the history comes again after a reconnect', () => {
    const history = [
      message(1, 'one', '2026-01-01T10:00:00.000Z'),
      message(2, 'two', '2026-01-01T10:00:01.000Z'),
    ];
    socket.emit(ServerEvent.MessageHistory, { messages: history.slice(0, 1) });
    socket.emit(ServerEvent.MessageCreated, history[1]);
    socket.emit(ServerEvent.MessageHistory, { messages: history });
    expect(store.entries().map((e) => e.text)).toEqual(['one', 'two']);
  });

  it('sends plain text publicly, to the selected user privately, and /w to the named user', async () => {
    joinAs('bob');
    await store.submit('hello all');
    expect(socket.send).toHaveBeenLastCalledWith(ClientEvent.MessageSend, {
      clientId: expect.any(String),
      text: 'hello all',
    });

    recipients().choose('carol');
    await store.submit('just you');
    expect(socket.send).toHaveBeenLastCalledWith(
      ClientEvent.PrivateMessageSend,
      {
        clientId: expect.any(String),
        to: 'carol',
        text: 'just you',
      },
    );

    await store.submit('/w dave hi dave');
    expect(socket.send).toHaveBeenLastCalledWith(
      ClientEvent.PrivateMessageSend,
      {
        clientId: expect.any(String),
        to: 'dave',
        text: 'hi dave',
      },
    );
    // a whisper never touches the choice
    expect(recipients().name()).toBe('carol');
  });

  it('turns shortcodes into emoji in what it sends, public or private', async () => {
    joinAs('bob');
    await store.submit('ship it :rocket: :+1::skin-tone-3: at 12:30:45 :nope:');
    expect(socket.send).toHaveBeenLastCalledWith(ClientEvent.MessageSend, {
      clientId: expect.any(String),
      text: 'ship it 🚀 👍🏼 at 12:30:45 :nope:',
    });
    await store.submit('/w carol :heart: you');
    expect(socket.send).toHaveBeenLastCalledWith(
      ClientEvent.PrivateMessageSend,
      {
        clientId: expect.any(String),
        to: 'carol',
        text: '❤️ you',
      },
    );
  });

  it('explains what it refuses and sends nothing', async () => {
    await expect(store.submit('/w')).resolves.toBe(false);
    await expect(store.submit('x'.repeat(4001))).resolves.toBe(false);
    expect(notify.error).toHaveBeenCalledWith('Usage: /w name message');
    expect(notify.error).toHaveBeenCalledWith(
      expect.stringContaining('the limit is 4000'),
    );
    expect(socket.send).not.toHaveBeenCalled();
  });

  describe('delivery (R35)', () => {
    const statuses = () =>
      store.entries().map((e) => [e.text, e.status ?? 'confirmed']);

    it('sends when joined before the store existed (the chat page opens after the login)', async () => {
      TestBed.resetTestingModule();
      configure();
      TestBed.inject(SessionStore);
      joinAs('alice');
      const late = TestBed.inject(MessagingStore);
      await late.submit('hello');
      expect(socket.sent(ClientEvent.MessageSend)).toHaveLength(1);
    });

    it("shows a message as sending until the server's copy confirms it", async () => {
      joinAs('alice');
      await store.submit('hello');
      expect(statuses()).toEqual([['hello', 'pending']]);
      const [{ clientId }] = socket.sent(ClientEvent.MessageSend) as {
        clientId: string;
      }[];
      socket.emit(ServerEvent.MessageCreated, {
        id: 7,
        clientId,
        from: 'alice',
        text: 'hello',
        at: '2026-01-01T10:00:00.000Z',
      });
      expect(statuses()).toEqual([['hello', 'confirmed']]);
    });

    it('keeps what was sent offline and resends it, same id, after the next join', async () => {
      joinAs('alice');
      socket.status.set('reconnecting');
      socket.connected$.next();
      await store.submit('written offline');
      expect(socket.sent(ClientEvent.MessageSend)).toEqual([]);
      socket.status.set('connected');
      joinAs('alice', true);
      joinAs('alice', true);
      const sent = socket.sent(ClientEvent.MessageSend) as {
        clientId: string;
        text: string;
      }[];
      expect(sent).toHaveLength(2);
      expect(sent[0]).toEqual(sent[1]);
      expect(sent[0].text).toBe('written offline');
    });

    it('marks a refused message failed and resends it under the same id on retry', async () => {
      joinAs('alice');
      await store.submit('/w carol hi');
      const [first] = socket.sent(ClientEvent.PrivateMessageSend) as {
        clientId: string;
      }[];
      socket.emit(ServerEvent.Exception, {
        code: ErrorCode.RecipientUnavailable,
        message: 'carol is not online; the message was not sent.',
        event: ClientEvent.PrivateMessageSend,
        clientId: first.clientId,
      });
      expect(statuses()).toEqual([['hi', 'failed']]);
      joinAs('alice', true);
      expect(socket.sent(ClientEvent.PrivateMessageSend)).toHaveLength(1);

      store.retry(first.clientId);
      expect(statuses()).toEqual([['hi', 'pending']]);
      // a private message is sealed end to end before it goes out
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(socket.sent(ClientEvent.PrivateMessageSend)).toEqual([
        first,
        first,
      ]);
    });

    it('retries by itself after "temporarily unavailable"', async () => {
      jest.useFakeTimers();
      try {
        joinAs('alice');
        await store.submit('later');
        const [first] = socket.sent(ClientEvent.MessageSend) as {
          clientId: string;
        }[];
        socket.emit(ServerEvent.Exception, {
          code: ErrorCode.Unavailable,
          message: 'temporarily unavailable',
          event: ClientEvent.MessageSend,
          clientId: first.clientId,
        });
        expect(statuses()).toEqual([['later', 'pending']]);
        jest.advanceTimersByTime(1000);
        expect(socket.sent(ClientEvent.MessageSend)).toEqual([first, first]);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  it('a reaction to a private message goes out end to end; one opened from a private message lands under its entry', async () => {
    joinAs('bob');
    socket.emit(ServerEvent.PrivateMessageCreated, {
      id: 'p1',
      clientId: 'x',
      from: 'alice',
      to: 'bob',
      text: 'psst',
      e2ee: sealed,
      at: '2026-01-01T10:00:03.000Z',
    });
    await settle();
    const entry = store.entries().find((e) => e.privateId === 'p1');
    if (!entry) throw new Error('no private entry');
    store.react(entry, '❤️');
    await new Promise((resolve) => setTimeout(resolve));
    expect(e2ee.sealReaction).toHaveBeenCalledWith('alice', 'bob', {
      privateId: 'p1',
      emoji: '❤️',
      on: true,
    });
    expect(socket.sent(ClientEvent.PrivateMessageSend)).toEqual([
      { clientId: 'r1', to: 'alice', text: '', e2ee: sealed },
    ]);
    // alice's reaction arrives sealed in a private message of its own: no entry, a reaction
    e2ee.reveal.mockResolvedValueOnce({
      reaction: { privateId: 'p1', emoji: '👍', on: true, from: 'alice' },
    });
    socket.emit(ServerEvent.PrivateMessageCreated, {
      id: 'p2',
      clientId: 'y',
      from: 'alice',
      to: 'bob',
      text: '',
      e2ee: sealed,
      at: '2026-01-01T10:00:04.000Z',
    });
    await new Promise((resolve) => setTimeout(resolve));
    expect(store.reactions().get(entry.key)).toEqual([
      { emoji: '👍', count: 1, mine: false, users: ['alice'], others: 0 },
    ]);
    expect(store.entries().filter((e) => e.kind === 'private')).toHaveLength(1);
  });

  it('E63: a private message without end-to-end encryption is shown as from no one, and said so', async () => {
    joinAs('bob');
    for (const from of ['alice', 'bob'])
      socket.emit(ServerEvent.PrivateMessageCreated, {
        id: `p-${from}`,
        clientId: `x-${from}`,
        from,
        to: from === 'bob' ? 'alice' : 'bob',
        text: 'trust me',
        at: '2026-01-01T10:00:03.000Z',
      });
    await settle();
    expect(store.entries().filter((e) => e.kind === 'private')).toEqual([]);
    expect(notify.error).toHaveBeenCalledWith(
      'A private message said to be from alice arrived without end-to-end encryption; it was not shown.',
    );
    expect(notify.error).toHaveBeenCalledTimes(2);
  });

  it('L69: a reaction history names only a few of shows its full count, and live changes keep it', () => {
    joinAs('bob');
    const named = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    socket.emit(ServerEvent.MessageHistory, {
      messages: [
        {
          ...message(1, 'liked by a crowd', '2026-01-01T10:00:00.000Z'),
          reactions: [{ emoji: '👍', users: named, count: 820 }],
        },
      ],
    });
    const entry = store.entries().find((e) => e.messageId === 1);
    if (!entry) throw new Error('no entry');
    const view = () => store.reactions().get(entry.key)?.[0];
    expect(view()).toEqual({
      emoji: '👍',
      count: 820,
      mine: false,
      users: named,
      others: 812,
    });
    // bob adds his; then someone history did not name takes theirs back
    socket.emit(ServerEvent.ReactionUpdated, {
      messageId: 1,
      emoji: '👍',
      from: 'bob',
      on: true,
    });
    expect(view()).toMatchObject({ count: 821, mine: true, others: 812 });
    socket.emit(ServerEvent.ReactionUpdated, {
      messageId: 1,
      emoji: '👍',
      from: 'unnamed-reactor',
      on: false,
    });
    expect(view()).toMatchObject({ count: 820, mine: true, others: 811 });
  });

  it('I30: keeps the private recipient when they leave; a message to them is refused, nothing goes out', async () => {
    joinAs('bob');
    recipients().choose('carol');
    socket.emit(ServerEvent.UserLeft, {
      username: 'carol',
      at: '2026-01-01T10:00:00.000Z',
      reason: 'logout',
    });
    expect(recipients().current()).toEqual({ name: 'carol', online: false });
    socket.send.mockClear();
    expect(await store.submit('for carol only')).toBe(false);
    expect(socket.send).not.toHaveBeenCalled();
    expect(notify.error).toHaveBeenCalledWith(
      'carol is not online; the message was not sent.',
    );
    expect(store.entries().some((e) => e.text === 'for carol only')).toBe(
      false,
    );
    // only the user's own action widens it
    recipients().sendPublicly();
    expect(await store.submit('for everyone')).toBe(true);
    expect(socket.send).toHaveBeenLastCalledWith(ClientEvent.MessageSend, {
      clientId: expect.any(String),
      text: 'for everyone',
    });
  });
});
