import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';

import { AppConfigService } from '../config/app-config.service';

const TOKEN_HASH_FILE = 'admin-token.sha256';
/** Where a generated token waits to be read when printing it would put it in the journal. */
const TOKEN_ONCE_FILE = 'admin-token.once';

const digest = (token: string) =>
  createHash('sha256').update(token, 'utf8').digest();

/**
 * The admin bearer token, kept only as its SHA-256: from ADMIN_TOKEN, or generated on first
 * start, printed once on the console and stored hashed (mode 0600) beside the server keys.
 */
@Injectable()
export class AdminTokenService implements OnModuleInit {
  private readonly log = new Logger('Admin');
  private expected?: Buffer;

  constructor(private readonly configService: AppConfigService) {}

  async onModuleInit(): Promise<void> {
    const { adminToken, keysDir } = this.configService.config;
    if (adminToken) {
      this.expected = digest(adminToken);
      return;
    }
    const file = join(keysDir, TOKEN_HASH_FILE);
    try {
      this.expected = Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
      if (this.expected.length === 32) return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const token = randomBytes(32).toString('base64url');
    this.expected = digest(token);
    await writeFile(file, this.expected.toString('hex'), { mode: 0o600 });
    const lost = `Lost it? Delete ${file} and restart for a new one, or set ADMIN_TOKEN.`;
    const { stdoutJournaled, logFormat } = this.configService.config;
    if (stdoutJournaled || logFormat === 'json') {
      // a journal or a log collector would keep a printed token for good: it waits in a file
      // only we can read
      const once = join(keysDir, TOKEN_ONCE_FILE);
      await writeFile(once, `${token}\n`, { mode: 0o600, flag: 'w' });
      await chmod(once, 0o600);
      this.log.log(
        `Admin token generated: read it from ${once} (mode 0600), then delete that file. ${lost}`,
      );
      return;
    }
    // the only time the token is ever shown: not the audit log, not a file
    console.log(
      `\n  Admin token (shown once; keep it safe, it is stored only hashed):\n\n    ${token}\n\n  ${lost}\n`,
    );
  }

  /** Constant-time comparison of equal-length digests (M26). */
  matches(token: string): boolean {
    return (
      this.expected !== undefined &&
      timingSafeEqual(digest(token), this.expected)
    );
  }
}
