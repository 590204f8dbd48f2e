import { Injectable } from '@angular/core';

const KEY_PREFIX = 'fuv-chat.server-key:';

/**
 * Trust on first use: the server key fingerprint seen first for this origin is remembered in
 * the browser; a different one later is a warning the user must answer.
 */
@Injectable({ providedIn: 'root' })
export class ServerPinStore {
  private readonly key = KEY_PREFIX + location.origin;

  pinned(): string | undefined {
    return localStorage.getItem(this.key) ?? undefined;
  }

  pin(fingerprint: string): void {
    localStorage.setItem(this.key, fingerprint);
  }
}
