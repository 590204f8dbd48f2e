import { Module } from '@nestjs/common';

import { AppConfigService } from '../config/app-config.service';
import { SessionsModule } from '../sessions/sessions.module';
import { FileStore, LocalEncryptedFileStore } from './file-store';
import { FilesGateway } from './files.gateway';
import { FilesService } from './files.service';

@Module({
  imports: [SessionsModule],
  providers: [
    {
      provide: FileStore,
      inject: [AppConfigService],
      useFactory: ({ config }: AppConfigService) =>
        LocalEncryptedFileStore.open(config.files.dir, config.keysDir),
    },
    FilesService,
    FilesGateway,
  ],
})
export class FilesModule {}
