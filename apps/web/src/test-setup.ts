import { webcrypto } from 'node:crypto';

import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';

setupZonelessTestEnv();

// jsdom has no SubtleCrypto; the browser code under test uses Web Crypto, so Node's stands in
if (!globalThis.crypto.subtle)
  Object.defineProperty(globalThis.crypto, 'subtle', {
    value: webcrypto.subtle,
  });

// jsdom lays nothing out, so nothing is ever resized: an observer that never reports
globalThis.ResizeObserver ??= class {
  observe(): void {
    // never reports
  }
  unobserve(): void {
    // nothing observed
  }
  disconnect(): void {
    // nothing observed
  }
};
