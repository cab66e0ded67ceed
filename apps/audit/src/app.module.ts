import { Module, DynamicModule } from '@nestjs/common';
import { Logger } from 'pino';
import { ALL_EVENT_TOPICS } from '@custos/events';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { auditEnv, AuditConfig } from './audit.config';
import { AuditLog1732000000100 } from './migrations/1732000000100-audit-log';
import { AuditMerkleCheckpoints1732000000200 } from './migrations/1732000000200-audit-merkle-checkpoints';
import { AuditCanonicalLz41732000000300 } from './migrations/1732000000300-audit-canonical-lz4';
import { AuditCoverage1732000000400 } from './migrations/1732000000400-audit-coverage';
import { AuditLogHandler } from './consumers/audit-log.handler';
import { AuditController } from './controllers/audit.controller';
import { CheckpointsController } from './controllers/checkpoints.controller';
import { AuditMerkleTree } from './checkpoints/audit-merkle-tree';
import { AuditSigner } from './checkpoints/audit-signer';
import { CheckpointObjectStore } from './checkpoints/checkpoint-object.store';
import { AuditCheckpointer } from './checkpoints/audit-checkpointer';
import { AuditVerifier } from './completeness/audit-verifier';
import { CompletenessMonitor } from './completeness/completeness.monitor';

export const auditService: ServiceDefinition = {
  service: 'audit',
  configSchema: auditEnv,
  migrations: [AuditLog1732000000100, AuditMerkleCheckpoints1732000000200, AuditCanonicalLz41732000000300, AuditCoverage1732000000400],
  consumers: [{ name: 'audit-log', topics: ALL_EVENT_TOPICS, lingerMs: (c) => (c as AuditConfig).AUDIT_CONSUMER_LINGER_MS }],
};

@Module({})
export class AuditModule {
  static forRoot(config: AuditConfig, logger: Logger): DynamicModule {
    return {
      module: AuditModule,
      imports: [PlatformModule.forRoot(auditService, config, logger)],
      controllers: [AuditController, CheckpointsController, AuditLogHandler],
      providers: [AuditSigner, AuditMerkleTree, CheckpointObjectStore, AuditCheckpointer, AuditVerifier, CompletenessMonitor],
    };
  }
}
