import { ErrorCode } from '@app/shared';

import type { AuditService } from '../audit/audit.service';
import { type AppConfig, AppConfigService } from '../config/app-config.service';
import type { KeyLogService } from '../transparency/key-log.service';
import { IdentityService } from './identity.service';
import type { NameBindingEntity } from './name-binding.entity';
import type { NameBindingsRepository } from './name-bindings.repository';
import { NameBudget } from './name-budget';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The table in memory, with the repository's compare-and-set and counts. */
function memoryBindings() {
  const rows = new Map<string, NameBindingEntity>();
  const repository = {
    find: jest.fn(async (nameKey: string) => {
      const row = rows.get(nameKey);
      return row ? { ...row } : null;
    }),
    create: jest.fn(async (binding: Omit<NameBindingEntity, 'leafIndex'>) => {
      if (rows.has(binding.nameKey)) return false;
      rows.set(binding.nameKey, { ...binding, leafIndex: null });
      return true;
    }),
    replace: jest.fn(
      async (was: NameBindingEntity, next: Partial<NameBindingEntity>) => {
        const row = rows.get(was.nameKey);
        if (
          !row ||
          row.identityKey !== was.identityKey ||
          row.lastUsedAt !== was.lastUsedAt
        )
          return false;
        rows.set(was.nameKey, { ...row, ...next, leafIndex: null });
        return true;
      },
    ),
    touch: jest.fn(async (nameKey: string, at: number) => {
      const row = rows.get(nameKey);
      if (row?.identityKey) row.lastUsedAt = at;
    }),
    logged: jest.fn(async () => undefined),
    unlogged: jest.fn(async () => []),
    heldBy: jest.fn(
      async (identityKey: string, usedSince: number) =>
        [...rows.values()].filter(
          (r) => r.identityKey === identityKey && r.lastUsedAt >= usedSince,
        ).length,
    ),
    claimedFrom: jest.fn(
      async (boundFrom: string, since: number) =>
        [...rows.values()].filter(
          (r) =>
            r.boundFrom === boundFrom &&
            r.boundAt !== null &&
            r.boundAt >= since,
        ).length,
    ),
  };
  return { rows, repository };
}

describe('NameBudget: what a new name costs (A71)', () => {
  let now: number;
  let bindings: ReturnType<typeof memoryBindings>;
  let keyLog: { append: jest.Mock };
  let identity: IdentityService;

  function start(names: AppConfig['names']) {
    bindings = memoryBindings();
    let leaves = 0;
    keyLog = { append: jest.fn(async () => leaves++) };
    const config = new AppConfigService({
      nameReservationDays: 30,
      names,
    } as AppConfig);
    const repository = bindings.repository as unknown as NameBindingsRepository;
    identity = new IdentityService(
      repository,
      keyLog as unknown as KeyLogService,
      { record: jest.fn(async () => undefined) } as unknown as AuditService,
      config,
      new NameBudget(repository, config),
    );
  }

  beforeEach(() => {
    now = Date.parse('2026-12-07T12:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });

  afterEach(() => jest.restoreAllMocks());

  const claim = (name: string, key: string, address = 'address-1') =>
    identity.claim(`key-${name}`, name, key, address);

  it('A71: a key holds at most NAMES_PER_KEY_MAX names; the next new one is refused before any key-log leaf', async () => {
    start({ perKey: 3, perAddressPerDay: 100 });
    for (const name of ['a', 'b', 'c']) await claim(name, 'K');
    expect(keyLog.append).toHaveBeenCalledTimes(3);

    await expect(claim('d', 'K')).rejects.toMatchObject({
      code: ErrorCode.NameLimit,
      message: expect.stringContaining('already holds 3 names') as string,
    });
    expect(keyLog.append).toHaveBeenCalledTimes(3);
    expect(bindings.rows.has('key-d')).toBe(false);
    // another key from the same address is not this key
    await claim('d', 'L');
  });

  it('A71: logging in again under a name the key holds never spends the budget', async () => {
    start({ perKey: 2, perAddressPerDay: 2 });
    await claim('a', 'K');
    await claim('b', 'K');
    for (let i = 0; i < 20; i++) {
      now += 60_000;
      await expect(claim(i % 2 ? 'a' : 'b', 'K')).resolves.toMatchObject({
        identityKey: 'K',
      });
    }
    expect(keyLog.append).toHaveBeenCalledTimes(2);
    // counted once for each new name, never for a name it holds
    expect(bindings.repository.heldBy).toHaveBeenCalledTimes(2);
  });

  it('A71: a name released by an administrator, or unused for the reservation period, no longer counts against its key', async () => {
    start({ perKey: 2, perAddressPerDay: 100 });
    await claim('a', 'K');
    await claim('b', 'K');
    await expect(claim('c', 'K')).rejects.toMatchObject({
      code: ErrorCode.NameLimit,
    });
    await identity.release('key-a');
    now += 2 * DAY_MS;
    await claim('c', 'K');
    await expect(claim('d', 'K')).rejects.toMatchObject({
      code: ErrorCode.NameLimit,
    });
    // b was last used 31 days ago: expired, free for anyone, and no longer K's
    now += 29 * DAY_MS;
    await claim('d', 'K');
  });

  it('A71: an address claims at most NAMES_PER_ADDRESS_PER_DAY new names in any 24 hours, whichever keys it uses', async () => {
    start({ perKey: 5, perAddressPerDay: 4 });
    for (let i = 0; i < 4; i++) {
      await claim(`n${i}`, `key ${i}`);
      now += 60 * 60 * 1000;
    }
    await expect(claim('n4', 'key 4')).rejects.toMatchObject({
      code: ErrorCode.NewNamesLimited,
      message: expect.stringContaining('4 new names') as string,
    });
    expect(keyLog.append).toHaveBeenCalledTimes(4);
    // another address has a budget of its own
    await claim('n4', 'key 4', 'address-2');
    // an admin release gives nothing back: the claim was spent
    await identity.release('key-n0');
    await expect(claim('n5', 'key 5')).rejects.toMatchObject({
      code: ErrorCode.NewNamesLimited,
    });
    // the first claim leaves the window 24 hours after it was made
    now = Date.parse('2026-12-08T12:01:00Z');
    await claim('n5', 'key 5');
    await expect(claim('n6', 'key 6')).rejects.toMatchObject({
      code: ErrorCode.NewNamesLimited,
    });
  });

  it('A71: many new names claimed at once from one address are counted one by one', async () => {
    start({ perKey: 100, perAddressPerDay: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => claim(`n${i}`, `key ${i % 3}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(bindings.rows.size).toBe(5);
    expect(keyLog.append).toHaveBeenCalledTimes(5);
  });
});
