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
});
