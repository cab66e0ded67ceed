import { createLogger, parseConfig } from '@custos/platform';
import { offlineServiceEnv, routeDocumentation } from '@custos/testing';
import { RegistryModule, registryService } from './app.module';

// Every route registry registers is in the OpenAPI document it serves the gateway, with its shapes.
describe('registry OpenAPI document', () => {
  it('documents every registered route as a valid document', async () => {
    const config = parseConfig(registryService.configSchema, offlineServiceEnv());
    const doc = await routeDocumentation(RegistryModule.forRoot(config as never, createLogger('registry', 'silent')), 'registry');
    expect(doc.routes.length).toBeGreaterThan(1);
    expect(doc.missing).toEqual([]);
    expect(doc.undocumented).toEqual([]);
    expect(doc.problems).toEqual([]);
  });
});
