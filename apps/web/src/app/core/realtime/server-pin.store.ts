import { Injectable } from '@angular/core';

const KEY_PREFIX = 'fuv-chat.server-key:';

export type PinCheck =
  | { verdict: 'first-use' | 'match' }
  | { verdict: 'changed'; pinned: string };

/**
 * Trust on first use: the server key fingerprint seen first for this origin is remembered in
 * the browser; a different one later is a warning the user must answer.
 */
@Injectable({ providedIn: 'root' })
export class ServerPinStore {
  private readonly key = KEY_PREFIX + location.origin;

  /** Pins the fingerprint on first use; reports whether a later one matches. */
  check(fingerprint: string): PinCheck {
    const pinned = localStorage.getItem(this.key);
    if (pinned === null) {
      this.pin(fingerprint);
      return { verdict: 'first-use' };
    }
    return pinned === fingerprint
      ? { verdict: 'match' }
      : { verdict: 'changed', pinned };
  }

  pin(fingerprint: string): void {
    localStorage.setItem(this.key, fingerprint);
  }
}
