import { createPublicKey, verify } from 'node:crypto';

import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type BindingKind,
  ErrorCode,
  IDENTITY_SIGNATURE_BYTES,
  isIdentitySpkiEncoding,
  type IdentityProofPayload,
  fromBase64,
  identityProofBytes,
} from '@app/shared';

import { AuditService } from '../audit/audit.service';
import { DomainException } from '../common/domain.exception';
import { AppConfigService } from '../config/app-config.service';
import { KeyLogService } from '../transparency/key-log.service';
import type { NameBindingEntity } from './name-binding.entity';
import { NameBindingsRepository } from './name-bindings.repository';
import { NameBudget } from './name-budget';

/** A login whose identity proof does not hold: a bad key, a bad signature, another connection's. */
export class IdentityProofException extends DomainException {
  constructor() {
    super(
      ErrorCode.IdentityInvalid,
      'Your browser could not prove its identity key for this name; reload the page and try again.',
      'identity',
    );
  }
}

/** The name belongs to another browser's identity key (E60). */
export class NameOwnedException extends DomainException {
  constructor(username: string) {
    super(
      ErrorCode.NameOwned,
      `The name "${username}" belongs to another browser's identity key. Choose another name, or ask an administrator to release it.`,
      'username',
    );
  }
}

/** The name as the owning key bound it. */
export interface OwnedName {
  username: string;
  /** Base64 SPKI of the identity key. */
  identityKey: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Names owned by identity keys (E60): the first key that logs in with a name owns it; later
 * logins must prove that key; the name is free again only after it has been unused for the
 * reservation period or an administrator released it. Each change of owner is a leaf of the
 * key-transparency log, so contacts see it.
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  constructor(
    private readonly bindings: NameBindingsRepository,
    private readonly keyLog: KeyLogService,
    private readonly audit: AuditService,
    private readonly configService: AppConfigService,
    private readonly budget: NameBudget,
  ) {}

  /** A change whose leaf was never appended (the process stopped in between) is logged now. */
  async onModuleInit(): Promise<void> {
    for (const binding of await this.bindings.unlogged()) {
      await this.log(binding, binding.identityKey ? 'bind' : 'release');
    }
  }

  /**
   * The identity key a login proves: its ECDSA P-256 signature over this connection's transcript
   * hash and the requested name. Returns the key's canonical base64 SPKI.
   */
  verifyProof(
    proof: IdentityProofPayload,
    transcriptHash: Uint8Array,
    username: string,
  ): string {
    try {
      const spki = fromBase64(proof.key);
      const signature = fromBase64(proof.signature);
      // one key, one encoding (the log compares keys as strings): checked on the bytes, and
      // the point on the curve by parsing
      if (
        !isIdentitySpkiEncoding(spki) ||
        signature.length !== IDENTITY_SIGNATURE_BYTES
      )
        throw new Error('encoding');
      const key = createPublicKey({
        key: Buffer.from(spki),
        format: 'der',
        type: 'spki',
      });
      const valid = verify(
        'sha256',
        identityProofBytes(transcriptHash, username),
        { key, dsaEncoding: 'ieee-p1363' },
        signature,
      );
      if (!valid) throw new Error('signature');
      return Buffer.from(spki).toString('base64');
    } catch {
      throw new IdentityProofException();
    }
  }

  /**
   * Claims the name for `identityKey`: binds it when free (never held, released, or unused for
   * the reservation period), or confirms the key already owns it. Throws `NameOwnedException`
   * when another key owns it, and a budget's exception when a new name would exceed what one
   * key may hold or one address (`address`, its keyed hash) may claim in a day (A71).
   */
  async claim(
    nameKey: string,
    username: string,
    identityKey: string,
    address: string,
  ): Promise<OwnedName> {
    const binding = await this.bindings.find(nameKey);
    // the key's own name again: no new leaf, nothing spent
    if (binding?.identityKey === identityKey) {
      await this.bindings.touch(nameKey, Date.now());
      return { username: binding.username, identityKey };
    }
    return this.budget.inTurn(address, identityKey, () =>
      this.bind(nameKey, username, identityKey, address),
    );
  }

  private async bind(
    nameKey: string,
    username: string,
    identityKey: string,
    address: string,
  ): Promise<OwnedName> {
    const now = Date.now();
    // the claim's cost, noted on the binding so that any instance counts it (A71)
    const spent = { boundAt: now, boundFrom: address };
    for (;;) {
      const binding = await this.bindings.find(nameKey);
      if (!binding) {
        await this.budget.check(identityKey, address, now);
        const next = { nameKey, username, identityKey, lastUsedAt: now };
        if (!(await this.bindings.create({ ...next, ...spent }))) continue; // bound meanwhile: read again
        await this.log({ ...next, ...spent, leafIndex: null }, 'bind');
        return { username, identityKey };
      }
      if (binding.identityKey === identityKey) {
        await this.bindings.touch(nameKey, now);
        return { username: binding.username, identityKey };
      }
      const expired =
        binding.identityKey !== null &&
        Number(binding.lastUsedAt) <
          now - this.configService.config.nameReservationDays * DAY_MS;
      if (binding.identityKey !== null && !expired)
        throw new NameOwnedException(binding.username);
      await this.budget.check(identityKey, address, now);
      const next = { username, identityKey, lastUsedAt: now };
      if (!(await this.bindings.replace(binding, { ...next, ...spent })))
        continue;
      if (expired) {
        const release = {
          kind: 'release',
          name: binding.username,
          key: '',
          at: new Date(now).toISOString(),
        } as const;
        await this.keyLog.append(release, nameKey);
        await this.audit.record('name_released', {
          target: binding.username,
          detail: { reason: 'expired' },
        });
      }
      await this.log(
        { ...binding, ...next, ...spent, leafIndex: null },
        'bind',
      );
      return { username, identityKey };
    }
  }

  /** The owner was here: the reservation period starts again. */
  async used(nameKey: string): Promise<void> {
    await this.bindings.touch(nameKey, Date.now());
  }

  /**
   * Frees a name at an administrator's request (the key log records it, so contacts see the
   * next owner as a key change). Undefined when no key owns the name.
   */
  async release(nameKey: string): Promise<string | undefined> {
    for (;;) {
      const binding = await this.bindings.find(nameKey);
      if (!binding?.identityKey) return undefined;
      const next = {
        username: binding.username,
        identityKey: null,
        lastUsedAt: Date.now(),
      };
      if (!(await this.bindings.replace(binding, next))) continue;
      await this.log({ ...binding, ...next, leafIndex: null }, 'release');
      await this.audit.record('name_released', {
        target: binding.username,
        detail: { reason: 'admin' },
      });
      return binding.username;
    }
  }

  /** Appends the binding's state to the key log and notes the leaf on the binding. */
  private async log(
    binding: NameBindingEntity,
    kind: BindingKind,
  ): Promise<void> {
    const index = await this.keyLog.append(
      {
        kind,
        name: binding.username,
        key: binding.identityKey ?? '',
        at: new Date().toISOString(),
      },
      binding.nameKey,
    );
    await this.bindings.logged(binding.nameKey, binding.identityKey, index);
    if (kind === 'bind')
      await this.audit.record('name_bound', {
        actor: binding.username,
        detail: { leaf: index },
      });
  }
}
