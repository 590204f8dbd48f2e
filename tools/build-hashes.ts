/**
 * `npm run build:hashes [-- dir]`: the SHA-256 of every file of the built web client (default
 * `dist/apps/web/browser`) and the digest over them, the value the server prints at start. A
 * browser runs whatever the server hands it: compare this with a build you trust.
 */
import { resolve } from 'node:path';

import { webClientDigest } from '../apps/api/src/edge/web-client-digest';

const root = resolve(
  __dirname,
  '..',
  process.argv[2] ?? 'dist/apps/web/browser',
);
const { files, digest } = webClientDigest(root);
for (const file of files) console.log(`${file.sha256}  ${file.path}`);
console.log(`web client digest (SHA-256 over the lines above): ${digest}`);
