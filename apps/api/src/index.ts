/** What the API end-to-end suites start: the real app, built from a real configuration. */
export { createApp } from './app.factory';
export { type AppConfig, loadConfig } from './config/app-config.service';
export { verifyChain } from './audit/audit-chain';
export { AuditEventEntity } from './audit/audit-event.entity';
export { AuditRepository, readChain } from './audit/audit.repository';
export { AuditService, RepeatBudget } from './audit/audit.service';
export { dataSourceOptions } from './database/data-source';
export { RealtimeService } from './realtime/realtime.service';
export { CryptoService } from './crypto/crypto.service';
export { typedNameKey } from './identity/name-identity';
export { KeyLogService } from './transparency/key-log.service';
export { verifyKeyLog } from './transparency/key-log-verify';
export { DeliveryService } from './realtime/delivery.service';
export { Roster } from './sessions/roster';
