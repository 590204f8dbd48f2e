import { typedNameKey } from '../identity/name-identity';
import type { DeliveryService } from '../realtime/delivery.service';
import { type Member, Roster } from './roster';

describe('Roster (delivery mocked)', () => {
  const connected = new Set<string>();
  const delivery = {
    connected: (id: string) => connected.has(id),
  } as unknown as DeliveryService;
  const member = (username: string): Member => ({
    sessionId: `s-${username}`,
    username,
    key: typedNameKey(username),
    since: '',
    addressHash: 'h',
  });

  beforeEach(() => connected.clear());

  it('finds a connected member by any spelling of its name, and a held one only by key', () => {
    const roster = new Roster(delivery);
    const alice = member('Alice');
    roster.add(alice);
    expect(roster.byKey(typedNameKey('ALICE'))).toBe(alice);
    // held for a reconnect: not online, so no message or notice is addressed to it
    expect(roster.findOnline('alice')).toBeUndefined();
    expect(roster.locate('alice')).toBeUndefined();
    connected.add(alice.sessionId);
    expect(roster.findOnline('aLiCe')).toBe(alice);
    expect(roster.locate('ALICE')).toEqual({ here: alice, username: 'Alice' });
    expect([...roster.connected()]).toEqual([alice]);
  });

  it('forgets a member everywhere once it is deleted, and only that member', () => {
    const roster = new Roster(delivery);
    const alice = member('alice');
    roster.add(alice);
    expect(roster.delete(alice)).toBe(true);
    expect(roster.delete(alice)).toBe(false);
    expect(roster.byKey(alice.key)).toBeUndefined();
    expect(roster.page().users).toEqual([]);
    // a stale copy (another session of the name) deletes nothing
    const again = member('alice');
    roster.add(again);
    expect(roster.delete({ ...again, sessionId: 'other' })).toBe(false);
    expect(roster.byKey(again.key)).toBe(again);
  });

  it('counts and lists the members other instances hold, without its own', () => {
    const roster = new Roster(delivery);
    const alice = member('alice');
    roster.add(alice);
    roster.directory.upsert({
      sessionId: 's-bob',
      username: 'bob',
      key: typedNameKey('bob'),
      since: '',
      instance: 'other',
      connected: true,
    });
    // the same session, seen in the directory while this instance adopted it
    roster.directory.upsert({
      ...alice,
      instance: 'other',
      connected: true,
    });
    expect(roster.size).toBe(2);
    const listed = () => roster.page().users.map((u) => u.username);
    expect(listed()).toEqual(['alice', 'bob']);
    expect(roster.findRemote('BOB')?.sessionId).toBe('s-bob');
    // handed over: the local copy goes and the user stays listed, until it leaves there too
    roster.delete(alice);
    expect(listed()).toEqual(['alice', 'bob']);
    roster.directory.remove(alice.sessionId);
    expect(listed()).toEqual(['bob']);
    expect(roster.size).toBe(1);
  });
});
