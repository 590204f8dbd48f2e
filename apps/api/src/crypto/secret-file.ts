import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_BYTES = 32;

/**
 * A 32-byte secret kept in the keys folder (mode 0600), made on first use. Instances of one
 * cluster share the folder, so they share the secret.
 */
export function loadSecret(keysDir: string, name: string): Buffer {
  const file = join(keysDir, name);
  let secret: Buffer;
  try {
    secret = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    secret = randomBytes(SECRET_BYTES);
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    // 'wx': if another instance made it meanwhile, use theirs
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      secret = readFileSync(file);
    }
  }
  if (secret.length !== SECRET_BYTES)
    throw new Error(`${file} must hold ${SECRET_BYTES} bytes`);
  return secret;
}
