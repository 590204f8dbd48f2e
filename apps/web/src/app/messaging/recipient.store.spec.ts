import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { type LeaveReason, ServerEvent } from '@app/shared';

import { NotifyService } from '../core/notify/notify.service';
import { FakeSocketService } from '../core/realtime/fake-socket.service.spec-helper';
import { SocketService } from '../core/realtime/socket.service';
import { SessionStore } from '../sessions/session.store';
import { PUBLIC_FILE_CONFIRM_MS, RecipientStore } from './recipient.store';

const user = (username: string) => ({ username, since: '' });

describe('RecipientStore (issue 30: a choice of recipient never widens on its own)', () => {
  let socket: FakeSocketService;
  let store: RecipientStore;
  let clock: number;
  const notify = { error: jest.fn(), info: jest.fn() };

  const join = (users: string[], more = false, resumed = false) =>
    socket.emit(ServerEvent.SessionJoined, {
      username: 'alice',
      resumeToken: 't',
      graceMs: 1,
      resumed,
      users: users.map(user),
      more,
      online: users.length,
    });
  const left = (username: string, reason: LeaveReason) =>
    socket.emit(ServerEvent.UserLeft, { username, at: '', reason });
  const joined = (username: string) =>
    socket.emit(ServerEvent.UserJoined, { user: user(username), at: '' });

  beforeEach(() => {
    notify.error.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: SocketService, useClass: FakeSocketService },
        { provide: NotifyService, useValue: notify },
      ],
    });
    socket = TestBed.inject(SocketService) as unknown as FakeSocketService;
    TestBed.inject(SessionStore);
    store = TestBed.inject(RecipientStore);
    clock = 1_000_000;
    store.now = () => clock;
    join(['alice', 'bob', 'carol']);
    TestBed.tick();
  });

  it.each<LeaveReason>(['logout', 'timeout', 'kicked'])(
    'I30: the chosen person leaving (%s) keeps them chosen, offline; a send to them is refused',
    (reason) => {
      store.choose('bob');
      left('bob', reason);
      expect(store.current()).toEqual({ name: 'bob', online: false });
      expect(store.refuses('bob', 'message')).toBe(true);
      expect(notify.error).toHaveBeenLastCalledWith(
        'bob is not online; the message was not sent.',
      );
      expect(store.refuses('bob', 'file')).toBe(true);
      expect(notify.error).toHaveBeenLastCalledWith(
        'bob is not online; nothing was sent.',
      );
      // someone else leaving changes nothing
      left('carol', 'logout');
      expect(store.name()).toBe('bob');
    },
  );

  it('I30: choosing the chosen row again, or myself, does not change the choice', () => {
    store.choose('bob');
    left('bob', 'logout');
    store.choose('bob');
    expect(store.current()).toEqual({ name: 'bob', online: false });
    store.choose('alice');
    expect(store.name()).toBe('bob');
    // choosing someone else is the user's own action
    store.choose('carol');
    expect(store.current()).toEqual({ name: 'carol', online: true });
  });

  it('I30: when they come back (or their name is taken again) the conversation is theirs again', () => {
    store.choose('bob');
    left('bob', 'kicked');
    joined('bob');
    expect(store.current()).toEqual({ name: 'bob', online: true });
    expect(store.refuses('bob', 'message')).toBe(false);
    expect(notify.error).not.toHaveBeenCalled();
  });

  it('I30: my own reconnect keeps the choice; its first page says whether they are still online', () => {
    store.choose('bob');
    join(['alice', 'bob'], false, true);
    expect(store.current()).toEqual({ name: 'bob', online: true });
    // gone while I was away, and the list is whole: offline
    join(['alice', 'carol'], false, true);
    expect(store.current()).toEqual({ name: 'bob', online: false });
    // beyond the first page of a large room: what the leaves and joins said stands
    joined('bob');
    join(['aaron', 'alice'], true, false);
    expect(store.current()).toEqual({ name: 'bob', online: true });
  });

  it('I30: only "Send publicly instead" or signing out widens it; a public file asks for 60 s after', () => {
    expect(store.confirmsPublicFile()).toBe(false);
    store.choose('bob');
    expect(store.confirmsPublicFile()).toBe(false);
    store.sendPublicly();
    expect(store.current()).toBeUndefined();
    expect(store.confirmsPublicFile()).toBe(true);
    clock += PUBLIC_FILE_CONFIRM_MS - 1;
    expect(store.confirmsPublicFile()).toBe(true);
    clock += 1;
    expect(store.confirmsPublicFile()).toBe(false);

    store.choose('bob');
    store.sendPublicly();
    store.publicConfirmed();
    expect(store.confirmsPublicFile()).toBe(false);

    store.choose('bob');
    TestBed.inject(SessionStore).username.set(undefined);
    TestBed.tick();
    expect(store.current()).toBeUndefined();
    expect(store.confirmsPublicFile()).toBe(false);
  });

  it('I30: the list keeps the chosen person, offline, in their place (unless the filter leaves them out)', () => {
    const listed = (names: string[], filter = '') =>
      store.listed(names.map(user), filter).map((u) => u.username);
    expect(listed(['alice', 'carol'])).toEqual(['alice', 'carol']);
    store.choose('bob');
    expect(listed(['alice', 'carol'])).toEqual(['alice', 'carol']);
    left('bob', 'timeout');
    expect(listed(['alice', 'carol'])).toEqual(['alice', 'bob', 'carol']);
    expect(listed(['alice'])).toEqual(['alice', 'bob']);
    expect(listed([], 'BO')).toEqual(['bob']);
    expect(listed(['carol'], 'car')).toEqual(['carol']);
    store.sendPublicly();
    expect(listed(['alice', 'carol'])).toEqual(['alice', 'carol']);
  });
});
