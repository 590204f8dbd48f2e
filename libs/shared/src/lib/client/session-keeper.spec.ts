import { ErrorCode } from '../errors/error-code';
import { ClientEvent } from '../protocol/client-event';
import { SessionKeeper } from './session-keeper';

const joined = (resumeToken: string, resumed = false, username = 'Alice') => ({
  username,
  resumeToken,
  graceMs: 30_000,
  resumed,
  users: [],
  more: false,
  online: 1,
});

describe('SessionKeeper (the reconnect policy of the browser and the Node clients)', () => {
  it('asks for nothing on a first connection', () => {
    expect(new SessionKeeper().reconnected()).toBeUndefined();
  });

  it('resumes with the last token and the last public message held', () => {
    const keeper = new SessionKeeper();
    expect(keeper.joined(joined('t1'))).toBe(false);
    keeper.heard(7);
    keeper.heard(3); // history can arrive after a newer live message
    expect(keeper.reconnected()).toEqual({
      resume: { token: 't1', lastMessageId: 7 },
    });
    expect(keeper.joined(joined('t2', true))).toBe(true);
    expect(keeper.reconnected()).toEqual({
      resume: { token: 't2', lastMessageId: 7 },
    });
  });

  it('claims the name again, keeping its place, when the server no longer holds it', () => {
    const keeper = new SessionKeeper();
    keeper.joined(joined('t1'));
    keeper.heard(5);
    const refusal = {
      event: ClientEvent.SessionResume,
      code: ErrorCode.ResumeFailed,
      message: 'expired',
    };
    expect(keeper.refused(refusal)).toEqual({
      login: { username: 'Alice', lastMessageId: 5 },
    });
    // a drop before that claim was answered: claim again, never with the spent token
    expect(keeper.reconnected()).toEqual({
      login: { username: 'Alice', lastMessageId: 5 },
    });
    // the claim's answer is a reconnection, not a first login
    expect(keeper.joined(joined('t3'))).toBe(true);
    expect(keeper.joined(joined('t4'))).toBe(false);
  });

  it('forgets everything when the session is gone', () => {
    for (const refusal of [
      { code: ErrorCode.Kicked, message: 'kicked' },
      { code: ErrorCode.NotLoggedIn, message: 'log in' },
      {
        event: ClientEvent.SessionResume,
        code: ErrorCode.Internal,
        message: 'x',
      },
    ]) {
      const keeper = new SessionKeeper();
      keeper.joined(joined('t1'));
      keeper.heard(5);
      expect(keeper.refused(refusal)).toBe('gone');
      expect([
        keeper.username,
        keeper.resumeToken,
        keeper.lastMessageId,
      ]).toEqual([undefined, undefined, undefined]);
      expect(keeper.reconnected()).toBeUndefined();
    }
  });

  it('gives up when claiming the name again is refused (taken meanwhile)', () => {
    const keeper = new SessionKeeper();
    keeper.joined(joined('t1'));
    keeper.refused({
      event: ClientEvent.SessionResume,
      code: ErrorCode.ResumeFailed,
      message: 'expired',
    });
    expect(
      keeper.refused({
        event: ClientEvent.SessionLogin,
        code: ErrorCode.UsernameTaken,
        message: 'taken',
      }),
    ).toBe('gone');
  });

  it("lets other refusals pass (a message refused is the outbox's business)", () => {
    const keeper = new SessionKeeper();
    keeper.joined(joined('t1'));
    expect(
      keeper.refused({
        event: ClientEvent.MessageSend,
        code: ErrorCode.RateLimited,
        message: 'slow down',
      }),
    ).toBeUndefined();
    expect(keeper.resumeToken).toBe('t1');
  });

  it('E67: a join under another name than the one asked for, or held, is not confirmed', () => {
    const keeper = new SessionKeeper();
    keeper.asking('alice');
    expect(keeper.confirms(joined('t1', false, 'mallory'))).toBe(false);
    // the same name in another case is the same person; a look-alike is not
    expect(keeper.confirms(joined('t1', false, 'ALICE'))).toBe(true);
    expect(keeper.confirms(joined('t1', false, 'аlice'))).toBe(false);
    keeper.joined(joined('t1', false, 'alice'));
    // a resume, or claiming the name again, must give back the name held
    expect(keeper.confirms(joined('t2', true, 'mallory'))).toBe(false);
    expect(keeper.confirms(joined('t2', true, 'alice'))).toBe(true);
    keeper.refused({
      event: ClientEvent.SessionResume,
      code: ErrorCode.ResumeFailed,
      message: 'expired',
    });
    expect(keeper.confirms(joined('t3', false, 'mallory'))).toBe(false);
    // a later login asks for its own name
    keeper.forget();
    keeper.asking('bob');
    expect(keeper.confirms(joined('t4', false, 'alice'))).toBe(false);
    expect(keeper.confirms(joined('t4', false, 'bob'))).toBe(true);
  });
});
