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

  // MLflow's GET routes take the request message's fields in the query string, repeated fields repeated.
  it('turns a GET route’s request class into query parameters', async () => {
    const config = parseConfig(trackingService.configSchema, offlineServiceEnv());
    const { document } = await routeDocumentation(TrackingModule.forRoot(config as never, createLogger('tracking', 'silent')), 'tracking');
    const op = document.paths['/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval'].get!;
    expect(op.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'run_ids', in: 'query', required: true, schema: { type: 'array', items: { type: 'string' } } }),
        expect.objectContaining({ name: 'metric_key', in: 'query', required: true, schema: { type: 'string' } }),
        expect.objectContaining({ name: 'max_results', in: 'query', required: false, schema: { type: 'integer', format: 'int32' } }),
      ]),
    );
    expect(op.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/MetricsResponse' } } } });
    expect(op.responses.default).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/MlflowErrorBody' } } } });
  });
});
