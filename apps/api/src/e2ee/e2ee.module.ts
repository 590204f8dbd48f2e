import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { E2eeGateway } from './e2ee.gateway';
import { KeyPackagesService } from './key-packages.service';

/** End-to-end encryption's server side: a key-package directory. Messages go through messaging. */
@Module({
  imports: [AuditModule, SessionsModule],
  providers: [KeyPackagesService, E2eeGateway],
})
export class E2eeModule {}
