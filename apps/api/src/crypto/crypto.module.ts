import { Module } from '@nestjs/common';

import { AppConfigService } from '../config/app-config.service';
import { CryptoService } from './crypto.service';
import { loadOrCreateServerKeys } from './server-keys';

@Module({
  providers: [
    {
      provide: CryptoService,
      inject: [AppConfigService],
      useFactory: async ({ config }: AppConfigService) =>
        new CryptoService(await loadOrCreateServerKeys(config.keysDir)),
    },
  ],
  exports: [CryptoService],
})
export class CryptoModule {}
