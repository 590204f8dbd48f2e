import { Global, Module } from '@nestjs/common';

import { MetricsService } from './metrics.service';

/** Global: every domain counts what it does through the one registry. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
