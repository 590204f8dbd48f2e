import type { RemoteMember } from '../cluster/cluster-events';
import { Directory } from './directory';

const member = (name: string, instance = 'b'): RemoteMember => ({
  sessionId: `s-${name}`,
  username: name,
  key: name,
  since: '2026-11-26T00:00:00.000Z',
  instance,
  connected: true,
});

describe('Directory (members of other instances)', () => {
  it('reports a member new only once, and finds it by folded name', () => {
    const directory = new Directory();
    expect(directory.upsert(member('bob'), 1000)).toBe(true);
    expect(directory.upsert({ ...member('bob'), connected: false }, 1001)).toBe(
      false,
    );
    expect(directory.byKey('bob')?.connected).toBe(false);
    expect(directory.remove('s-bob', 1002)?.username).toBe('bob');
    expect(directory.byKey('bob')).toBeUndefined();
  });

  it('takes joins and leaves from a snapshot: lost events heal, dead instances’ members leave', () => {
    const directory = new Directory();
    directory.upsert(member('bob'), 1000);
    directory.upsert(member('carol', 'dead'), 1000);
    const { joined, left } = directory.reconcile(
      [member('bob'), member('dave')],
      2000,
    );
    expect(joined.map((m) => m.username)).toEqual(['dave']);
    expect(left.map((m) => m.username)).toEqual(['carol']);
    expect(
      directory
        .all()
        .map((m) => m.username)
        .sort(),
    ).toEqual(['bob', 'dave']);
  });

  it('never lets a snapshot older than an event undo it', () => {
    const directory = new Directory();
    directory.upsert(member('erin'), 5000);
    directory.remove('s-bob', 5000);
    // read before both events: erin not yet there, bob still there
    const { joined, left } = directory.reconcile([member('bob')], 4000);
    expect(joined).toEqual([]);
    expect(left).toEqual([]);
    expect(directory.all().map((m) => m.username)).toEqual(['erin']);
  });
});
