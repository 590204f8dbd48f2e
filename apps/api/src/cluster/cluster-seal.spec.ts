import { randomBytes } from 'node:crypto';

import { ClusterSeal } from './cluster-seal';

describe('ClusterSeal (events between instances, as Redis carries them)', () => {
  const secret = randomBytes(32);
  const a = () => new ClusterSeal(secret, 'instance-a');

  it('opens what another instance with the same secret sealed; Redis sees no plaintext', () => {
    const sender = a();
    const receiver = new ClusterSeal(secret, 'instance-b');
    const sealed = sender.seal('message', { text: 'secret words 9157' });
    expect(JSON.stringify(sealed)).not.toContain('secret words');
    expect(receiver.open('message', sealed)).toEqual({
      text: 'secret words 9157',
    });
  });

  it('refuses a replay, another event name, a flipped bit, a forged sender and a wrong secret', () => {
    const sender = a();
    const receiver = new ClusterSeal(secret, 'instance-b');
    const first = sender.seal('kick', { key: 'bob' });
    expect(receiver.open('kick', first)).toEqual({ key: 'bob' });
    expect(receiver.open('kick', first)).toBeUndefined();

    const second = sender.seal('kick', { key: 'carol' });
    expect(receiver.open('message', second)).toBeUndefined();
    const body = Buffer.from(second.b, 'base64');
    body[0] ^= 1;
    expect(
      receiver.open('kick', { ...second, b: body.toString('base64') }),
    ).toBeUndefined();
    expect(
      receiver.open('kick', { ...second, from: 'instance-c' }),
    ).toBeUndefined();
    expect(
      new ClusterSeal(randomBytes(32), 'instance-b').open('kick', second),
    ).toBeUndefined();
    expect(receiver.open('kick', second)).toEqual({ key: 'carol' });
    expect(receiver.open('kick', { from: 1, n: [], b: null })).toBeUndefined();
  });

  it('never repeats a nonce: a counter per sender', () => {
    const sender = a();
    const nonces = new Set(
      Array.from({ length: 1000 }, () => sender.seal('member', {}).n),
    );
    expect(nonces.size).toBe(1000);
  });

  it('R45: an old sealed kick replayed against an instance started later is refused, and so is a stale or future one', () => {
    const sender = a();
    const kick = sender.seal('kick', { key: 'bob' }, '', 1_000_000);
    // an instance that started after the kick was sealed never acts on it
    const later = new ClusterSeal(secret, 'instance-b', 1_010_000);
    expect(later.open('kick', kick, '', 1_010_500)).toBeUndefined();
    // one running when it was sealed takes it, but not a minute later
    const running = new ClusterSeal(secret, 'instance-c', 900_000);
    expect(running.open('kick', kick, '', 1_061_000)).toBeUndefined();
    expect(running.open('kick', kick, '', 1_000_100)).toEqual({ key: 'bob' });
    // the time is authenticated: moving it forward breaks the seal
    const fresh = sender.seal('kick', { key: 'carol' }, '', 1_000_200);
    expect(
      running.open('kick', { ...fresh, t: 1_000_300 }, '', 1_000_300),
    ).toBeUndefined();
    expect(
      running.open(
        'kick',
        sender.seal('kick', {}, '', 1_010_000),
        '',
        1_000_300,
      ),
    ).toBeUndefined();
  });

  it('R45: an answer is bound to its request: one sealed for another request does not open', () => {
    const asker = a();
    const answerer = new ClusterSeal(secret, 'instance-b');
    const ask1 = asker.seal('private', { n: 1 });
    const ask2 = asker.seal('private', { n: 2 });
    const answer1 = answerer.seal('private:answer', true, ask1.n);
    expect(asker.open('private:answer', answer1, ask2.n)).toBeUndefined();
    expect(asker.open('private:answer', answer1, ask1.n)).toBe(true);
  });
});
