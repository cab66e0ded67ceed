import { bootstrapService } from '@custos/platform';
import { AuditModule, auditService } from './app.module';
import { AuditConfig } from './audit.config';

void bootstrapService<AuditConfig>(auditService, (config, logger) => AuditModule.forRoot(config, logger));
