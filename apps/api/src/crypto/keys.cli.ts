/** `npm run keys`: (re)generates the server's RSA key pair in KEYS_DIR (default keys/). */
import { loadConfig } from '../config/app-config.service';
import { CryptoService } from './crypto.service';
import { generateServerKeys } from './server-keys';

async function main(): Promise<void> {
  const { keysDir } = loadConfig(process.env);
  const service = new CryptoService(await generateServerKeys(keysDir));
  console.log(`New RSA-3072 key pair written to ${keysDir}`);
  console.log(`Server key fingerprint (SHA-256): ${service.fingerprint}`);
  console.log(
    'Clients that pinned the old key will be warned that it changed.',
  );
}

main().catch((error: unknown) => {
  console.error(`Key generation failed: ${(error as Error).message}`);
  process.exit(1);
});
