import { TestBed } from '@angular/core/testing';
import { ClientEvent, Limits, ServerEvent } from '@app/shared';

import { FakeSocketService } from '../core/realtime/fake-socket.service.spec-helper';
import { SocketService } from '../core/realtime/socket.service';
import { OnlineStore } from './online.store';

const user = (username: string) => ({ username, since: '' });
const names = (users: readonly { username: string }[]) =>
  users.map((u) => u.username);

describe('OnlineStore', () => {
  let socket: FakeSocketService;
  let store: OnlineStore;

  const welcome = (users: string[], more: boolean, online: number) =>
    socket.emit(ServerEvent.SessionJoined, {
      username: 'me',
      resumeToken: 't',
      graceMs: 1,
      resumed: false,
      users: users.map(user),
      more,
      online,
    });

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [{ provide: SocketService, useClass: FakeSocketService }],
    });
    socket = TestBed.inject(SocketService) as unknown as FakeSocketService;
    store = TestBed.inject(OnlineStore);
  });

  it('asks once for the next page when the list nears its end, and shows it', () => {
    welcome(['amy', 'bo'], true, 4);
    expect(store.online()).toBe(4);
    store.more();
    store.more();
    expect(socket.sent(ClientEvent.UsersPage)).toEqual([{ after: 'bo' }]);
    socket.emit(ServerEvent.UsersPage, {
      after: 'bo',
      users: [user('cy'), user('me')],
      more: false,
    });
    expect(names(store.shown())).toEqual(['amy', 'bo', 'cy', 'me']);
    store.more();
    expect(socket.sent(ClientEvent.UsersPage)).toHaveLength(1);
  });

  it('searches on the server while the list is partly loaded, and goes back to it', () => {
    welcome(['amy', 'bo'], true, 40);
    store.find('zo');
    expect(store.searching()).toBe(true);
    expect(socket.sent(ClientEvent.UsersPage)).toEqual([
      { after: '', filter: 'zo' },
    ]);
    socket.emit(ServerEvent.UsersPage, {
      after: '',
      filter: 'zo',
      users: [user('zoe')],
      more: false,
    });
    expect(store.searching()).toBe(false);
    expect(names(store.shown())).toEqual(['zoe']);
    // a leave reaches the search's results too
    socket.emit(ServerEvent.UserLeft, {
      username: 'zoe',
      at: '',
      reason: 'logout',
    });
    expect(store.shown()).toEqual([]);
    expect(store.online()).toBe(39);
    store.find('');
    expect(names(store.shown())).toEqual(['amy', 'bo']);
    // longer than any name: nobody, and nothing the server would refuse is asked
    store.find('z'.repeat(Limits.usernameMaxChars + 1));
    expect(store.shown()).toEqual([]);
    expect(store.searching()).toBe(false);
    expect(socket.sent(ClientEvent.UsersPage)).toHaveLength(1);
  });

  it('filters a fully loaded list by itself', () => {
    welcome(['amy', 'Bob', 'rob'], false, 3);
    store.find(' OB ');
    expect(names(store.shown())).toEqual(['Bob', 'rob']);
    socket.emit(ServerEvent.UserJoined, { user: user('cobb'), at: '' });
    expect(names(store.shown())).toEqual(['Bob', 'cobb', 'rob']);
    expect(socket.sent(ClientEvent.UsersPage)).toEqual([]);
  });
});
