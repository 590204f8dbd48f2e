import { Module } from '@nestjs/common';

import { AppConfigService } from '../config/app-config.service';
import { SessionsModule } from '../sessions/sessions.module';
import { FileStore, LocalFileStore } from './file-store';
import { FilesGateway } from './files.gateway';
import { FilesService } from './files.service';

@Module({
  imports: [SessionsModule],
  providers: [
    {
      provide: FileStore,
      inject: [AppConfigService],
      useFactory: ({ config }: AppConfigService) =>
        LocalFileStore.open(config.files.dir),
    },
    FilesService,
    FilesGateway,
  ],
})
export class FilesModule {}
