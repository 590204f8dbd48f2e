import { ErrorCode } from '../errors/error-code';
import { ClientEvent } from '../protocol/client-event';
import { Outbox, retryDelayMs } from './outbox';

const publicMessage = (clientId: string) =>
  ({
    event: ClientEvent.MessageSend,
    payload: { clientId, text: `text ${clientId}` },
  }) as const;

describe('Outbox', () => {
  it('keeps messages pending, in order, until the server acknowledges them', () => {
    const outbox = new Outbox();
    outbox.add(publicMessage('a'));
    outbox.add({
      event: ClientEvent.PrivateMessageSend,
      payload: { clientId: 'b', to: 'bob', text: 'psst' },
    });
    outbox.add(publicMessage('c'));
    expect(outbox.pending().map((m) => m.payload.clientId)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(outbox.acknowledge('b')?.event).toBe(ClientEvent.PrivateMessageSend);
    expect(outbox.acknowledge('b')).toBeUndefined();
    expect(outbox.pending().map((m) => m.payload.clientId)).toEqual(['a', 'c']);
  });

  it('keeps a message pending on "not now" refusals and fails it on the others', () => {
    const outbox = new Outbox();
    outbox.add(publicMessage('a'));
    outbox.add(publicMessage('b'));
    for (const code of [
      ErrorCode.Unavailable,
      ErrorCode.NotLoggedIn,
      ErrorCode.RateLimited,
    ]) {
      expect(
        outbox.refuse({ code, message: 'later', clientId: 'a' })?.state,
      ).toBe('pending');
    }
    expect(
      outbox.refuse({
        code: ErrorCode.MessageTooLong,
        message: 'too long',
        clientId: 'b',
      })?.state,
    ).toBe('failed');
    expect(outbox.pending().map((m) => m.payload.clientId)).toEqual(['a']);
    expect(outbox.refuse({ code: ErrorCode.Internal, message: 'x' })).toBe(
      undefined,
    );
  });

  it('resends a failed message only when the user retries it, with the same client id', () => {
    const outbox = new Outbox();
    outbox.add({
      event: ClientEvent.PrivateMessageSend,
      payload: { clientId: 'p', to: 'carol', text: 'hi' },
    });
    outbox.attempt('p');
    outbox.refuse({
      code: ErrorCode.RecipientUnavailable,
      message: 'carol is not online',
      clientId: 'p',
    });
    expect(outbox.pending()).toEqual([]);
    const retried = outbox.retry('p');
    expect(retried).toMatchObject({
      state: 'pending',
      attempts: 0,
      payload: { clientId: 'p' },
    });
    outbox.discard('p');
    expect(outbox.size).toBe(0);
  });

  it('backs off exponentially up to 15 s', () => {
    expect([1, 2, 3, 4, 5, 10].map(retryDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 15_000, 15_000,
    ]);
  });
});
