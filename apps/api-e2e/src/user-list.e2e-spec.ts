import {
  ClientEvent,
  ErrorCode,
  Limits,
  ServerEvent,
  compareUsernames,
} from '@app/shared';
import type { ChatClient } from '@app/testing';

import { useChatRoom } from './support/chat-room';

const CROWD = Limits.userPageSize + 10;
const pad = (n: number) => String(n).padStart(2, '0');

describe('the user list in pages: a welcome does not grow with the room', () => {
  const room = useChatRoom({
    RATE_HANDSHAKES_PER_MINUTE: '100000',
    RATE_ADDRESS_EVENTS_PER_SECOND: '100000',
  });

  /** `count` users named `prefix00`…, ten logging in at a time. */
  async function crowd(prefix: string, count: number): Promise<ChatClient[]> {
    const clients: ChatClient[] = [];
    for (let i = 0; i < count; i += 10)
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, count - i) }, (_, j) =>
            room.login(`${prefix}${pad(i + j)}`, { keep: false }),
          ),
        )),
      );
    return clients;
  }

  it('a newcomer gets the first page and the count, pages on for the rest, and stays current', async () => {
    const others = await crowd('u', CROWD);
    const ann = await room.login('ann');
    const [welcome] = ann.all(ServerEvent.SessionJoined);
    const everyone = ['ann', ...others.map((c) => c.username!)].sort(
      compareUsernames,
    );
    expect(welcome.online).toBe(CROWD + 1);
    expect(welcome.more).toBe(true);
    expect(welcome.users.map((u) => u.username)).toEqual(
      everyone.slice(0, Limits.userPageSize),
    );

    // people come and go while the next page is asked for: the list still ends up exact
    const last = welcome.users.at(-1)!.username;
    const late = await Promise.all([
      room.login('u505', { keep: false }),
      room.login('aaron', { keep: false }),
    ]);
    others[CROWD - 1].close();
    await ann.send(ClientEvent.UsersPage, { after: last });
    const page = await ann.next(ServerEvent.UsersPage);
    expect(page.after).toBe(last);
    expect(page.users.length).toBeGreaterThan(0);
    expect(
      page.users.every((u) => compareUsernames(u.username, last) > 0),
    ).toBe(true);
    const now = [...everyone, 'u505', 'aaron']
      .filter((n) => n !== others[CROWD - 1].username)
      .sort(compareUsernames);
    await ann.until(
      () => JSON.stringify(ann.online()) === JSON.stringify(now),
      'the whole list',
    );
    expect(late.every((c) => c.username)).toBe(true);
  });

  it('finds anyone by part of the name, a page at a time', async () => {
    await crowd('u', CROWD);
    const ann = await room.login('ann');
    await ann.send(ClientEvent.UsersPage, { after: '', filter: 'U1' });
    const found = await ann.next(ServerEvent.UsersPage);
    expect(found).toEqual({
      after: '',
      filter: 'U1',
      users: expect.any(Array),
      more: false,
    });
    expect(found.users.map((u) => u.username)).toEqual(
      Array.from({ length: 10 }, (_, i) => `u1${i}`),
    );
  });

  it('refuses a malformed page request with a reason, and a request before login', async () => {
    const ann = await room.login('ann');
    await ann.sendRaw(ClientEvent.UsersPage, { after: 42 });
    await expect(
      ann.next(ServerEvent.Exception, (e) => e.event === ClientEvent.UsersPage),
    ).resolves.toMatchObject({ code: ErrorCode.InvalidPayload });
    await ann.sendRaw(ClientEvent.UsersPage, {
      after: '',
      filter: 'x'.repeat(Limits.usernameMaxChars + 1),
    });
    await expect(
      ann.next(ServerEvent.Exception, (e) => e.event === ClientEvent.UsersPage),
    ).resolves.toMatchObject({ code: ErrorCode.InvalidPayload });

    const stranger = await room.connect();
    await stranger.send(ClientEvent.UsersPage, { after: '' });
    await expect(stranger.next(ServerEvent.Exception)).resolves.toMatchObject({
      code: ErrorCode.NotLoggedIn,
    });
    // and the session still answers
    await ann.send(ClientEvent.UsersPage, { after: '' });
    await expect(ann.next(ServerEvent.UsersPage)).resolves.toMatchObject({
      users: [{ username: 'ann' }],
      more: false,
    });
  });
});
