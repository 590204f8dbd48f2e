import { OnlineList } from './online-list';

const user = (username: string) => ({
  username,
  since: '2026-01-01T00:00:00.000Z',
});
const names = (list: OnlineList) => list.users.map((u) => u.username);

describe('OnlineList', () => {
  it('holds a complete list in order and follows every join and leave', () => {
    const list = new OnlineList();
    list.reset({
      users: [user('carol'), user('Alice')],
      more: false,
      online: 2,
    });
    expect(names(list)).toEqual(['Alice', 'carol']);
    list.joined(user('bob'));
    list.joined(user('zed'));
    list.left('carol');
    expect(names(list)).toEqual(['Alice', 'bob', 'zed']);
    expect(list.online).toBe(3);
    expect(list.next()).toBeUndefined();
  });

  it('loads the next page after the last name, and leaves a join beyond it to its page', () => {
    const list = new OnlineList();
    list.reset({ users: [user('a1'), user('a2')], more: true, online: 5 });
    expect(list.complete).toBe(false);
    expect(list.next()).toEqual({ after: 'a2' });
    // b9 sorts after what is loaded: only the count moves
    list.joined(user('b9'));
    list.joined(user('a0'));
    expect(names(list)).toEqual(['a0', 'a1', 'a2']);
    expect(list.online).toBe(7);
    // an answer to another request is not this list's
    expect(list.page({ after: 'a1', users: [user('a2')], more: false })).toBe(
      false,
    );
    expect(
      list.page({ after: 'a2', filter: 'b', users: [user('b1')], more: false }),
    ).toBe(false);
    expect(
      list.page({ after: 'a2', users: [user('b1'), user('b9')], more: true }),
    ).toBe(true);
    expect(names(list)).toEqual(['a0', 'a1', 'a2', 'b1', 'b9']);
    expect(list.next()).toEqual({ after: 'b9' });
    expect(list.page({ after: 'b9', users: [user('c1')], more: false })).toBe(
      true,
    );
    expect(list.complete).toBe(true);
    list.joined(user('zz'));
    expect(names(list).at(-1)).toBe('zz');
  });

  it('a leave of someone not loaded moves only the count; a repeated join replaces', () => {
    const list = new OnlineList();
    list.reset({ users: [user('amy')], more: true, online: 3 });
    list.left('zoe');
    expect(names(list)).toEqual(['amy']);
    expect(list.online).toBe(2);
    list.joined({ username: 'amy', since: 'later' });
    expect(list.users).toEqual([{ username: 'amy', since: 'later' }]);
  });

  it('a search starts empty, pages through its matches and takes only matching joins', () => {
    const search = new OnlineList('Ob');
    expect(search.next()).toEqual({ after: '', filter: 'Ob' });
    expect(search.page({ after: '', users: [user('bob')], more: false })).toBe(
      false,
    );
    expect(
      search.page({
        after: '',
        filter: 'Ob',
        users: [user('bob')],
        more: false,
      }),
    ).toBe(true);
    search.joined(user('robin'));
    search.joined(user('carol'));
    expect(names(search)).toEqual(['bob', 'robin']);
  });

  it('each change is a new array (signals compare by reference)', () => {
    const list = new OnlineList();
    list.reset({ users: [user('a')], more: false, online: 1 });
    const before = list.users;
    list.joined(user('b'));
    expect(list.users).not.toBe(before);
    expect(before).toHaveLength(1);
  });
});
