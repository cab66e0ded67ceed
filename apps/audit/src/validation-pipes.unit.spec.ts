import { generateKeyPairSync } from 'node:crypto';
import { createLogger, parseConfig } from '@custos/platform';
import { listControllerPipes, offlineServiceEnv } from '@custos/testing';
import { AuditModule, auditService } from './app.module';

// One validation style (decision 040): the platform's global pipe validates every DTO; no controller brings its own.
describe('audit validation pipes', () => {
  it('declares no pipe of its own on any controller, handler or parameter', async () => {
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const config = parseConfig(auditService.configSchema, offlineServiceEnv({ AUDIT_SIGNING_KEY: signingKey }));
    expect(await listControllerPipes(AuditModule.forRoot(config as never, createLogger('audit', 'silent')))).toEqual([]);
  });
});
