import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface WebClientDigest {
  /** Each file the server hands out, by path, with its SHA-256 (hex). */
  files: { path: string; sha256: string }[];
  /** SHA-256 over the sorted "sha256  path" lines: one value to compare with a known build. */
  digest: string;
}

/**
 * What a browser can be given as the web client: the server hands out the code that holds the
 * keys, so its operator can print this at start and compare it with a build they trust
 * (`npm run build:hashes` prints the same from a build directory).
 */
export function webClientDigest(root: string): WebClientDigest {
  const files: { path: string; sha256: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        files.push({
          path: relative(root, full).split(sep).join('/'),
          sha256: createHash('sha256').update(readFileSync(full)).digest('hex'),
        });
    }
  };
  walk(root);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const lines = files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
  return {
    files,
    digest: createHash('sha256').update(lines).digest('hex'),
  };
}
