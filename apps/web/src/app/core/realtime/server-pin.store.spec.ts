import { TestBed } from '@angular/core/testing';

import { ServerPinStore } from './server-pin.store';

describe('ServerPinStore (trust on first use)', () => {
  let store: ServerPinStore;

  beforeEach(() => {
    localStorage.clear();
    store = TestBed.inject(ServerPinStore);
  });

  it('pins the first key it sees for this origin, then accepts only that key', () => {
    expect(store.check('AAAA 1111')).toEqual({ verdict: 'first-use' });
    expect(store.check('AAAA 1111')).toEqual({ verdict: 'match' });
    expect(store.check('BBBB 2222')).toEqual({
      verdict: 'changed',
      pinned: 'AAAA 1111',
    });
    expect(store.check('BBBB 2222')).toEqual({
      verdict: 'changed',
      pinned: 'AAAA 1111',
    });
  });

  it('accepts a new key only once the user pins it', () => {
    store.check('AAAA 1111');
    store.pin('BBBB 2222');
    expect(store.check('BBBB 2222')).toEqual({ verdict: 'match' });
    expect(store.check('AAAA 1111').verdict).toBe('changed');
  });
});
