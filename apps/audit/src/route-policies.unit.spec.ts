import { generateKeyPairSync } from 'node:crypto';
import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { AuditModule, auditService } from './app.module';

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('audit route policies', () => {
  it('declares a policy on every registered route', async () => {
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const config = parseConfig(auditService.configSchema, offlineServiceEnv({ AUDIT_SIGNING_KEY: signingKey }));
    const routes = await listRoutePolicies(AuditModule.forRoot(config as never, createLogger('audit', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    for (const r of ['0 /api/audit/public-key', '0 /api/audit/checkpoints/latest', '0 /api/audit/proof/inclusion', '0 /api/audit/proof/consistency']) {
      expect(routes).toContainEqual(expect.objectContaining({ route: r, policy: 'declared' }));
    }
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(
      routes
        .filter((r) => r.policy === 'public')
        .map((r) => r.route)
        .sort(),
    ).toEqual(['0 /health/live', '0 /health/ready']);
  });

  // Everything audit serves (entries, verification, checkpoints, proofs) is for auditors and admins.
  it('makes every API route auditors-only', async () => {
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const config = parseConfig(auditService.configSchema, offlineServiceEnv({ AUDIT_SIGNING_KEY: signingKey }));
    const routes = await listRoutePolicies(AuditModule.forRoot(config as never, createLogger('audit', 'silent')));
    const api = routes.filter((r) => r.route.includes(' /api/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.filter((r) => r.action?.kind !== 'audit').map((r) => r.route)).toEqual([]);
  });
});
