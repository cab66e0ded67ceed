import { createLogger, parseConfig } from '@custos/platform';
import { listControllerPipes, offlineServiceEnv } from '@custos/testing';
import { TrackingModule, trackingService } from './app.module';

// One validation style (decision 040): the platform's global pipe validates every DTO; no controller brings its own.
describe('tracking validation pipes', () => {
  it('declares no pipe of its own on any controller, handler or parameter', async () => {
    const config = parseConfig(trackingService.configSchema, offlineServiceEnv());
    expect(await listControllerPipes(TrackingModule.forRoot(config as never, createLogger('tracking', 'silent')))).toEqual([]);
  });
});
