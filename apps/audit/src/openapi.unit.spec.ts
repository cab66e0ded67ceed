import { generateKeyPairSync } from 'node:crypto';
import { createLogger, parseConfig } from '@custos/platform';
import { offlineServiceEnv, routeDocumentation } from '@custos/testing';
import { AuditModule, auditService } from './app.module';

// Every route audit registers is in the OpenAPI document it serves the gateway, with its shapes.
describe('audit OpenAPI document', () => {
  it('documents every registered route as a valid document', async () => {
    const config = parseConfig(
      auditService.configSchema,
      offlineServiceEnv({ AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') }),
    );
    const doc = await routeDocumentation(AuditModule.forRoot(config as never, createLogger('audit', 'silent')), 'audit');
    expect(doc.routes.length).toBeGreaterThan(8);
    expect(doc.missing).toEqual([]);
    expect(doc.undocumented).toEqual([]);
    expect(doc.problems).toEqual([]);
  });
});
