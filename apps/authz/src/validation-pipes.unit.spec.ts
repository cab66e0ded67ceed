import { createLogger, parseConfig } from '@custos/platform';
import { listControllerPipes, offlineServiceEnv } from '@custos/testing';
import { AuthzModule, authzService } from './app.module';

// One validation style (decision 040): the platform's global pipe validates every DTO; no controller brings its own.
describe('authz validation pipes', () => {
  it('declares no pipe of its own on any controller, handler or parameter', async () => {
    const config = parseConfig(authzService.configSchema, offlineServiceEnv());
    expect(await listControllerPipes(AuthzModule.forRoot(config as never, createLogger('authz', 'silent')))).toEqual([]);
  });
});
