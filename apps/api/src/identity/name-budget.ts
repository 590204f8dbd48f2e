import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/shared';

import { DomainException } from '../common/domain.exception';
import { AppConfigService } from '../config/app-config.service';
import { NameBindingsRepository } from './name-bindings.repository';

const DAY_MS = 24 * 60 * 60 * 1000;

const names = (count: number, kind = '') =>
  `${count} ${kind}name${count === 1 ? '' : 's'}`;

/** The identity key already holds as many names as one key may (A71). */
export class NameLimitException extends DomainException {
  constructor(limit: number) {
    super(
      ErrorCode.NameLimit,
      `This browser's identity key already holds ${names(limit)}; log in with one of them, or ask an administrator to release one.`,
      'username',
    );
  }
}

/** The client address claimed as many new names today as one address may (A71). */
export class NewNamesLimitedException extends DomainException {
  constructor(limit: number) {
    super(
      ErrorCode.NewNamesLimited,
      `Your network has claimed ${names(limit, 'new ')} in the last 24 hours; log in with a name you already have, or try again tomorrow.`,
      'username',
    );
  }
}

/**
 * What a new name costs (A71). Identity keys are free to make and every new name is a key-log
 * leaf kept for good, so a client that logs in, logs out and logs in under the next name would
 * grow the log without end: a key holds a few names at once, and an address claims a day's
 * budget of new names. Both are counted in the database (any instance, any restart); logging
 * in again under a name the key holds costs nothing.
 */
@Injectable()
export class NameBudget {
  /** The claim each address and each key is at, so concurrent claims are counted one by one. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(
    private readonly bindings: NameBindingsRepository,
    private readonly configService: AppConfigService,
  ) {}

  /**
   * Throws when `identityKey` may not take one more name now, from `address` (its keyed
   * hash): a refusal costs two counts, before anything is written or logged.
   */
  async check(
    identityKey: string,
    address: string,
    now: number,
  ): Promise<void> {
    const { names, nameReservationDays } = this.configService.config;
    const held = await this.bindings.heldBy(
      identityKey,
      now - nameReservationDays * DAY_MS,
    );
    if (held >= names.perKey) throw new NameLimitException(names.perKey);
    const claimed = await this.bindings.claimedFrom(address, now - DAY_MS);
    if (claimed >= names.perAddressPerDay)
      throw new NewNamesLimitedException(names.perAddressPerDay);
  }

  /**
   * Runs a claim of a new name after this address's and this key's earlier claims on this
   * instance: many at once would all pass the count before any was written. (Instances of a
   * cluster each take their turns; together they overshoot by at most one claim each.)
   */
  async inTurn<T>(
    address: string,
    identityKey: string,
    claim: () => Promise<T>,
  ): Promise<T> {
    // always the address first, then the key: no two claims wait for each other in a circle
    return this.turn(`address ${address}`, () =>
      this.turn(`key ${identityKey}`, claim),
    );
  }

  private async turn<T>(slot: string, work: () => Promise<T>): Promise<T> {
    const before = this.turns.get(slot);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.turns.set(slot, mine);
    try {
      await before;
      return await work();
    } finally {
      done();
      // the last in line clears the slot: the map holds only claims under way
      if (this.turns.get(slot) === mine) this.turns.delete(slot);
    }
  }
}
