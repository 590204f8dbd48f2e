import { compareUsernames } from '@app/shared';

import { UserIndex } from './user-index';

const user = (username: string) => ({ username, since: '' });
const names = (page: { users: { username: string }[] }) =>
  page.users.map((u) => u.username);

describe('UserIndex', () => {
  it('pages through everyone in the shared order, cut after a name', () => {
    const index = new UserIndex();
    const all = ['carol', 'Alice', 'bob', 'dave', 'Eve', 'alice2'];
    all.forEach((name, i) => index.add(`s${i}`, user(name)));
    const sorted = [...all].sort(compareUsernames);
    expect(sorted).toEqual(['Alice', 'alice2', 'bob', 'carol', 'dave', 'Eve']);
    const first = index.page('', '', 4);
    expect(first).toEqual({ users: sorted.slice(0, 4).map(user), more: true });
    const rest = index.page('carol', '', 4);
    expect(rest).toEqual({ users: sorted.slice(4).map(user), more: false });
    // a cursor that names nobody (that user left) still cuts in the right place
    expect(names(index.page('c', '', 2))).toEqual(['carol', 'dave']);
  });

  it('searches case-insensitively, a page at a time', () => {
    const index = new UserIndex();
    ['Bob', 'rob', 'robin', 'carol', 'bobby'].forEach((name, i) =>
      index.add(`s${i}`, user(name)),
    );
    const page = index.page('', 'OB', 2);
    expect(page).toEqual({ users: [user('Bob'), user('bobby')], more: true });
    expect(index.page('bobby', 'OB', 2)).toEqual({
      users: [user('rob'), user('robin')],
      more: false,
    });
  });

  it('removes exactly the session that left, and keeps a user two holders share', () => {
    const index = new UserIndex();
    index.add('s1', user('sam'));
    index.add('s2', user('sam'));
    index.add('s3', user('tom'));
    index.add('s3', user('tom'));
    index.remove('s1');
    index.remove('s3');
    expect(index.size).toBe(2);
    expect(names(index.page(''))).toEqual(['sam', 'tom']);
    index.remove('s3');
    index.remove('s9');
    expect(names(index.page(''))).toEqual(['sam']);
    index.remove('s2');
    expect(index.size).toBe(0);
  });
});
