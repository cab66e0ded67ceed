import type { OpenAPIObject } from '@nestjs/swagger';
import { createLogger, openApiProblems, parseConfig, ServiceOpenApi } from '@custos/platform';
import { offlineServiceEnv, routeDocumentation } from '@custos/testing';
import { GatewayModule, gatewayService } from '../app.module';
import { GatewayConfig } from '../gateway.config';
import { OpenApiCollector } from './openapi-collector.service';

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } };

/** A service's document as it would serve it: its own routes, its probes, one schema named like another service's. */
function serviceDoc(service: string, paths: string[], thing: Record<string, unknown>): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: service, version: '1' },
    paths: Object.fromEntries([...paths, '/health/live'].map((p) => [p, { get: { operationId: `${service}.get${p}`, responses: ok } }])),
    components: { schemas: { Thing: thing } },
  };
}

async function gatewayDocument() {
  const config = parseConfig(gatewayService.configSchema, offlineServiceEnv()) as GatewayConfig;
  return routeDocumentation(GatewayModule.forRoot(config, createLogger('gateway', 'silent')), 'gateway');
}

describe('gateway OpenAPI document', () => {
  it('documents every route the gateway registers', async () => {
    const doc = await gatewayDocument();
    expect(doc.routes).toEqual(expect.arrayContaining(['GET /api/openapi.json', 'GET /api/docs', 'POST /api/gateway/ip-rules']));
    expect(doc.missing).toEqual([]);
    expect(doc.undocumented).toEqual([]);
    expect(doc.problems).toEqual([]);
  });

  // The merge keeps exactly what the route table sends to each service, so a route a service
  // documents but the gateway would not route (or routes elsewhere) is not advertised.
  it('merges the services’ documents along the route table, public probes from the gateway only', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv()) as GatewayConfig;
    const own = new ServiceOpenApi();
    own.set((await gatewayDocument()).document);
    const collector = new OpenApiCollector(config, createLogger('gateway', 'silent'), own);
    const merged = collector.merge([
      { service: 'tracking', document: serviceDoc('tracking', ['/api/2.0/mlflow/runs/get', '/ajax-api/2.0/mlflow/runs/get', '/api/2.0/mlflow/users/get'], { type: 'object' }) },
      { service: 'authz', document: serviceDoc('authz', ['/api/2.0/mlflow/users/get'], { type: 'string' }) },
      { service: 'registry', document: serviceDoc('registry', [], { type: 'object' }) },
      { service: 'audit', document: serviceDoc('audit', ['/api/audit/events'], { type: 'object' }) },
    ]);
    expect(Object.keys(merged.paths)).toEqual(
      expect.arrayContaining([
        '/api/2.0/mlflow/runs/get',
        '/ajax-api/2.0/mlflow/runs/get',
        '/api/2.0/mlflow/users/get',
        '/api/audit/events',
        '/api/openapi.json',
        '/api/gateway/ip-rules',
        '/health/live',
      ]),
    );
    // authz owns users/get: tracking's stray copy is dropped, not reported as a conflict.
    expect(merged.paths['/api/2.0/mlflow/users/get'].get?.operationId).toBe('authz.get/api/2.0/mlflow/users/get');
    expect(merged.paths['/health/live'].get?.operationId).toMatch(/^gateway\./);
    expect(merged.paths['/health/live'].get?.security).toEqual([]);
    expect(merged.paths['/api/openapi.json'].get?.security).toBeUndefined();
    expect(merged.security).toEqual([{ basic: [] }, { bearer: [] }]);
    // Two different schemas named Thing: authz's is renamed, and its reference follows.
    expect(merged.components?.schemas?.['authz.Thing']).toEqual({ type: 'string' });
    expect(JSON.stringify(merged.paths['/api/2.0/mlflow/users/get'])).toContain('#/components/schemas/authz.Thing');
    expect(openApiProblems(merged)).toEqual([]);
  });
});
