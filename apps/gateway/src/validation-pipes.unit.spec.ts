import { createLogger, parseConfig } from '@custos/platform';
import { listControllerPipes, offlineServiceEnv } from '@custos/testing';
import { GatewayModule, gatewayService } from './app.module';

// One validation style (decision 040): the platform's global pipe validates every DTO; no controller brings its own.
describe('gateway validation pipes', () => {
  it('declares no pipe of its own on any controller, handler or parameter', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv());
    expect(await listControllerPipes(GatewayModule.forRoot(config as never, createLogger('gateway', 'silent')))).toEqual([]);
  });
});
