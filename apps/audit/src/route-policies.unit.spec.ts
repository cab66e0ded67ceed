import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { AuditModule, auditService } from './app.module';

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('audit route policies', () => {
  it('declares a policy on every registered route', async () => {
    const config = parseConfig(auditService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(AuditModule.forRoot(config as never, createLogger('audit', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(routes.filter((r) => r.policy === 'public').map((r) => r.route).sort()).toEqual(['0 /health/live', '0 /health/ready', '0 /metrics']);
  });
});
