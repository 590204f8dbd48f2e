import {
  createHash,
  generateKeyPair,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
} from 'node:crypto';
import {
  chmod,
  copyFile,
  mkdir,
  readFile,
  readdir,
  rename,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ServerKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** True when this call generated the pair (first start). */
  created?: boolean;
}

/** A key that may have signed checkpoints; a retired one only up to its retirement (M53). */
export interface CheckpointKey {
  key: KeyObject;
  /** ISO time the key was retired (replaced, or taken out as compromised). */
  retiredAt?: string;
}

/** Public keys replaced by `npm run keys`, kept so checkpoints they signed still verify. */
export const RETIRED_DIR = 'retired';
const RETIRED_AT_SUFFIX = '.retired-at';

export const PRIVATE_KEY_FILE = 'server.key.pem';
export const PUBLIC_KEY_FILE = 'server.pub.pem';
const RSA_BITS = 3072;

const generate = promisify(generateKeyPair);

/** Writes a fresh RSA-3072 pair; the private key is created with mode 0600 and swapped in atomically. */
export async function generateServerKeys(dir: string): Promise<ServerKeys> {
  await mkdir(dir, { recursive: true });
  const { privateKey, publicKey } = await generate('rsa', {
    modulusLength: RSA_BITS,
  });
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  await retirePublicKey(dir);
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  await writeFile(`${privatePath}.tmp`, privatePem, { mode: 0o600 });
  await chmod(`${privatePath}.tmp`, 0o600);
  await rename(`${privatePath}.tmp`, privatePath);
  await writeFile(
    publicPath,
    publicKey.export({ type: 'spki', format: 'pem' }),
    { mode: 0o644 },
  );
  return { privateKey, publicKey };
}

/** Loads the key pair, creating it on first start. */
export async function loadOrCreateServerKeys(dir: string): Promise<ServerKeys> {
  let pem: string;
  try {
    pem = await readFile(join(dir, PRIVATE_KEY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { ...(await generateServerKeys(dir)), created: true };
  }
  // never echo key material in errors: report only what went wrong
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(
      `${join(dir, PRIVATE_KEY_FILE)} is not a readable private key`,
    );
  }
  if (
    privateKey.asymmetricKeyType !== 'rsa' ||
    (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < RSA_BITS
  ) {
    throw new Error(
      `${join(dir, PRIVATE_KEY_FILE)} must be an RSA key of at least ${RSA_BITS} bits`,
    );
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

async function retirePublicKey(dir: string): Promise<void> {
  let pem: string;
  try {
    pem = await readFile(join(dir, PUBLIC_KEY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  const name = `${createHash('sha256').update(der).digest('hex').slice(0, 16)}.pub.pem`;
  await mkdir(join(dir, RETIRED_DIR), { recursive: true });
  await copyFile(join(dir, PUBLIC_KEY_FILE), join(dir, RETIRED_DIR, name));
  // from now on nothing it signs is trusted (M53): a retired key may be a stolen one
  await writeFile(
    join(dir, RETIRED_DIR, `${name}${RETIRED_AT_SUFFIX}`),
    new Date().toISOString(),
  );
}

/**
 * The keys audit checkpoints may be signed with: the current one, and every retired one with
 * its retirement time (written beside it; for a key retired before that file existed, the
 * time its copy was made).
 */
export async function loadCheckpointKeys(
  dir: string,
): Promise<CheckpointKey[]> {
  const keys: CheckpointKey[] = [
    {
      key: createPublicKey(await readFile(join(dir, PUBLIC_KEY_FILE), 'utf8')),
    },
  ];
  let retired: string[] = [];
  try {
    retired = (await readdir(join(dir, RETIRED_DIR))).filter((f) =>
      f.endsWith('.pub.pem'),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const file of retired.sort()) {
    const path = join(dir, RETIRED_DIR, file);
    let retiredAt: string;
    try {
      retiredAt = (
        await readFile(`${path}${RETIRED_AT_SUFFIX}`, 'utf8')
      ).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      retiredAt = (await stat(path)).mtime.toISOString();
    }
    keys.push({
      key: createPublicKey(await readFile(path, 'utf8')),
      retiredAt,
    });
  }
  return keys;
}
