import { Module } from '@nestjs/common';

import { AppConfigService } from '../config/app-config.service';
import { CryptoService } from './crypto.service';
import { loadCheckpointKeys, loadOrCreateServerKeys } from './server-keys';

@Module({
  providers: [
    {
      provide: CryptoService,
      inject: [AppConfigService],
      useFactory: async ({ config }: AppConfigService) => {
        const keys = await loadOrCreateServerKeys(config.keysDir);
        const [, ...retired] = await loadCheckpointKeys(config.keysDir);
        return new CryptoService(keys, retired);
      },
    },
  ],
  exports: [CryptoService],
})
export class CryptoModule {}
