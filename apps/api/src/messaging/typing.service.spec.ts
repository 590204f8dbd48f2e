import { Limits } from '@app/shared';

import type { ClusterService } from '../cluster/cluster.service';
import type { DeliveryService } from '../realtime/delivery.service';
import type { Member, Roster } from '../sessions/roster';
import { TypingService } from './typing.service';

const member = (username: string): Member => ({
  sessionId: `s-${username}`,
  username,
  key: username,
  since: '',
  addressHash: '',
});

describe('TypingService (L77)', () => {
  const alice = member('alice');
  let delivery: { toMember: jest.Mock; toRoom: jest.Mock };
  let service: TypingService;
  let now: number;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    delivery = { toMember: jest.fn(), toRoom: jest.fn() };
    // everyone asked for is online here, under the name as typed
    const roster = {
      locate: (to: string) => ({ here: member(to) }),
      findOnline: (name: string) => member(name),
    };
    service = new TypingService(
      roster as unknown as Roster,
      delivery as unknown as DeliveryService,
      { enabled: false, publish: jest.fn() } as unknown as ClusterService,
    );
  });

  afterEach(() => jest.restoreAllMocks());

  it('L77: throttles every spelling of one recipient as one', () => {
    for (const to of ['bob', 'Bob', 'BOB', ' bob ', 'ｂｏｂ', 'b0b'])
      service.typing(alice, to);
    expect(delivery.toMember).toHaveBeenCalledTimes(1);
    now += Limits.typingEveryMs / 2;
    service.typing(alice, 'BoB');
    expect(delivery.toMember).toHaveBeenCalledTimes(2);
  });

  it('L77: a full table of live throttles refuses a new recipient rather than forgetting them', () => {
    for (let i = 0; i < 16; i++) service.typing(alice, `user${i}`);
    expect(delivery.toMember).toHaveBeenCalledTimes(16);
    // a 17th name does not clear the table: the first sixteen stay throttled
    service.typing(alice, 'user16');
    service.typing(alice, 'user0');
    expect(delivery.toMember).toHaveBeenCalledTimes(16);
    // once their throttles have run out, the places are free again
    now += Limits.typingEveryMs / 2;
    service.typing(alice, 'user16');
    expect(delivery.toMember).toHaveBeenCalledTimes(17);
  });
});
