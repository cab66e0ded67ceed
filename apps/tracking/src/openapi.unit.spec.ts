import { createLogger, parseConfig } from '@custos/platform';
import { offlineServiceEnv, routeDocumentation } from '@custos/testing';
import { TrackingModule, trackingService } from './app.module';

// Every route tracking registers is in the OpenAPI document it serves the gateway, with its shapes.
describe('tracking OpenAPI document', () => {
  it('documents every registered route, in both spellings, as a valid document', async () => {
    const config = parseConfig(trackingService.configSchema, offlineServiceEnv());
    const doc = await routeDocumentation(TrackingModule.forRoot(config as never, createLogger('tracking', 'silent')), 'tracking');
    expect(doc.routes.length).toBeGreaterThan(60);
    expect(doc.missing).toEqual([]);
    expect(doc.undocumented).toEqual([]);
    expect(doc.problems).toEqual([]);
    expect(doc.routes).toEqual(expect.arrayContaining(['POST /api/2.0/mlflow/runs/log-batch', 'POST /ajax-api/2.0/mlflow/runs/log-batch']));
  });
});
