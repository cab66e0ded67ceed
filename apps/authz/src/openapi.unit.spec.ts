import { createLogger, parseConfig } from '@custos/platform';
import { offlineServiceEnv, routeDocumentation } from '@custos/testing';
import { AuthzModule, authzService } from './app.module';

// Every route authz registers is in the OpenAPI document it serves the gateway, with its shapes.
describe('authz OpenAPI document', () => {
  it('documents every registered route, in both spellings, as a valid document', async () => {
    const config = parseConfig(authzService.configSchema, offlineServiceEnv());
    const doc = await routeDocumentation(AuthzModule.forRoot(config as never, createLogger('authz', 'silent')), 'authz');
    expect(doc.routes.length).toBeGreaterThan(60);
    expect(doc.missing).toEqual([]);
    expect(doc.undocumented).toEqual([]);
    expect(doc.problems).toEqual([]);
    expect(doc.routes).toEqual(expect.arrayContaining(['POST /api/2.0/mlflow/users/create', 'POST /ajax-api/2.0/mlflow/users/create']));
  });
});
