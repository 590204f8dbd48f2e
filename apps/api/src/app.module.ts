import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { type DynamicModule, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';

import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { ClusterModule } from './cluster/cluster.module';
import { E2eeModule } from './e2ee/e2ee.module';
import { EdgeModule } from './edge/edge.module';
import { FilesModule } from './files/files.module';
import type { AppConfig } from './config/app-config.service';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions, openDataSource } from './database/data-source';
import { HealthModule } from './health/health.module';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { SessionsModule } from './sessions/sessions.module';
import { TransparencyModule } from './transparency/transparency.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const hasWebClient = existsSync(join(config.webRoot, 'index.html'));
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config.database),
          dataSourceFactory: (options) =>
            openDataSource(options as DataSourceOptions),
        }),
        EdgeModule,
        ClusterModule,
        AuditModule,
        SessionsModule,
        MessagingModule,
        FilesModule,
        E2eeModule,
        HealthModule,
        TransparencyModule,
        AdminModule,
        ...(hasWebClient
          ? [
              ServeStaticModule.forRoot({
                rootPath: config.webRoot,
                exclude: ['/api/{*path}'],
              }),
            ]
          : []),
      ],
    };
  }
}
