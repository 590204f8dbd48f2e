import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ClientEvent, ServerEvent } from '@app/shared';

import { KeyLogService } from '../core/identity/key-log.service';
import { NotifyService } from '../core/notify/notify.service';
import { FakeSocketService } from '../core/realtime/fake-socket.service.spec-helper';
import { SocketService } from '../core/realtime/socket.service';
import { SessionStore } from './session.store';

describe('SessionStore', () => {
  let socket: FakeSocketService;
  let store: SessionStore;
  const notify = { error: jest.fn(), info: jest.fn() };
  const keyLog = { watchOwnName: jest.fn(), forgetOwnName: jest.fn() };

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

  beforeEach(() => {
    notify.error.mockReset();
    keyLog.watchOwnName.mockClear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: SocketService, useClass: FakeSocketService },
        { provide: NotifyService, useValue: notify },
        { provide: KeyLogService, useValue: keyLog },
      ],
    });
    socket = TestBed.inject(SocketService) as unknown as FakeSocketService;
    store = TestBed.inject(SessionStore);
  });

  it('E67: a login answered under another name is refused: signed out, told, nothing published under it', async () => {
    const confirmed: string[] = [];
    store.confirmed$.subscribe((name) => confirmed.push(name));
    await store.login('alice');
    expect(socket.login).toHaveBeenCalledWith({ username: 'alice' });
    joinAs('mallory');
    expect(store.username()).toBeUndefined();
    expect(store.loggedIn()).toBe(false);
    expect(confirmed).toEqual([]);
    expect(keyLog.watchOwnName).not.toHaveBeenCalled();
    expect(socket.sent(ClientEvent.SessionLogout)).toHaveLength(1);
    expect(notify.error).toHaveBeenCalledWith(
      expect.stringContaining('not under the name you chose'),
    );
  });

  it('E67: a login answered under the name typed (in any case) is confirmed, and so is its resume; a resume under another name is not', async () => {
    const confirmed: string[] = [];
    store.confirmed$.subscribe((name) => confirmed.push(name));
    await store.login('alice');
    joinAs('Alice');
    expect(store.username()).toBe('Alice');
    expect(keyLog.watchOwnName).toHaveBeenCalledWith('Alice');
    joinAs('alice', true);
    joinAs('mallory', true);
    expect(confirmed).toEqual(['Alice', 'alice']);
    expect(store.loggedIn()).toBe(false);
    expect(socket.sent(ClientEvent.SessionLogout)).toHaveLength(1);
  });
});
