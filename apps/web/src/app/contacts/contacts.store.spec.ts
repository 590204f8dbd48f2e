import { TestBed } from '@angular/core/testing';
import { ServerEvent } from '@app/shared';

import { KeyLogService } from '../core/identity/key-log.service';
import { NotifyService } from '../core/notify/notify.service';
import { FakeSocketService } from '../core/realtime/fake-socket.service.spec-helper';
import { SocketService } from '../core/realtime/socket.service';
import { ContactsStore } from './contacts.store';

describe('ContactsStore (key log mocked; the vault keeps records in memory under jsdom)', () => {
  let store: ContactsStore;
  let socket: FakeSocketService;
  const notify = { error: jest.fn(), info: jest.fn() };
  /** What the key log proves for each name. */
  const proven = new Map<string, string>();
  const keyLog = {
    keyOf: jest.fn(async (name: string) => {
      const key = proven.get(name);
      return key && { kind: 'bind', name, key, at: '', index: 0, size: 1 };
    }),
  };

  beforeEach(() => {
    proven.clear();
    notify.error.mockReset();
    keyLog.keyOf.mockClear();
    TestBed.configureTestingModule({
      providers: [
        { provide: SocketService, useClass: FakeSocketService },
        { provide: NotifyService, useValue: notify },
        { provide: KeyLogService, useValue: keyLog },
      ],
    });
    socket = TestBed.inject(SocketService) as unknown as FakeSocketService;
    store = TestBed.inject(ContactsStore);
  });

  it('remembers the first proven key, and flags a different one later', async () => {
    proven.set('bob', 'a2V5LTE=');
    expect(await store.check('bob')).toMatchObject({
      changed: false,
      verified: false,
      blocked: false,
    });
    proven.set('bob', 'a2V5LTI=');
    expect(await store.check('bob')).toMatchObject({
      key: 'a2V5LTI=',
      changed: true,
      blocked: false,
    });
    // an unverified contact's change is a notice, not a block
    expect(store.refuses('bob')).toBe(false);
  });

  it('blocks sending to a verified contact whose key changed until accepted or verified again', async () => {
    proven.set('carol', 'a2V5LTE=');
    await store.check('carol');
    await store.markVerified('carol');
    proven.set('carol', 'a2V5LTI=');
    // carol comes back (from another browser): her key is checked again
    socket.emit(ServerEvent.UserJoined, {
      user: { username: 'carol', since: '' },
      at: '',
    });
    for (let i = 0; i < 50 && !store.get('carol')?.changed; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.get('carol')).toMatchObject({ changed: true, blocked: true });
    expect(store.refuses('carol')).toBe(true);
    expect(notify.error).toHaveBeenCalledWith(
      expect.stringContaining('Nothing was sent'),
    );
    await store.markVerified('carol');
    expect(store.refuses('carol')).toBe(false);

    proven.set('carol', 'a2V5LTM=');
    await store.check('carol');
    expect(store.refuses('carol')).toBe(true);
    await store.acceptChange('carol');
    expect(store.get('carol')).toMatchObject({
      verified: false,
      changed: false,
      blocked: false,
    });
  });

  it('keeps nothing for a name the log cannot prove', async () => {
    expect(await store.check('nobody')).toBeUndefined();
    expect(store.get('nobody')).toBeUndefined();
    expect(store.refuses('nobody')).toBe(false);
  });
});
