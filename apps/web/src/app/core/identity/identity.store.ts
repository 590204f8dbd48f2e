import { Injectable, inject } from '@angular/core';
import { type IdentityKey, createIdentityKey } from '@app/shared';

import { Vault } from './vault';

const IDENTITY = 'identity';

/**
 * This browser's identity key: made on first use, kept in the vault, its private half
 * non-extractable. The names this browser logs in with belong to it (E60). One browser is one
 * device: another browser, or this one after its site data is cleared, is a new key.
 */
@Injectable({ providedIn: 'root' })
export class IdentityStore {
  private readonly vault = inject(Vault);
  private loaded?: Promise<IdentityKey>;

  key(): Promise<IdentityKey> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async load(): Promise<IdentityKey> {
    const kept = await this.vault.get<IdentityKey>(IDENTITY);
    if (kept) return kept;
    // two tabs opened at once on first use: one key wins in both
    return this.vault.keep(IDENTITY, await createIdentityKey());
  }
}
