import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module';
import { CryptoModule } from '../crypto/crypto.module';
import { MessagingModule } from '../messaging/messaging.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminTokenService } from './admin-token.service';
import { AdminController } from './admin.controller';
import { MetricsController } from './metrics.controller';

@Module({
  imports: [AuditModule, CryptoModule, MessagingModule, SessionsModule],
  controllers: [AdminController, MetricsController],
  providers: [AdminTokenService, AdminAuthGuard, AdminAuditInterceptor],
})
export class AdminModule {}
