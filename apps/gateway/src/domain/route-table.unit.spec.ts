import { routeFor } from './route-table';

describe('routeFor', () => {
  it.each([
    ['/api/2.0/mlflow/experiments/create', 'tracking'],
    ['/ajax-api/2.0/mlflow/runs/search', 'tracking'],
    ['/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model.pkl', 'tracking'],
    ['/api/2.0/mlflow/logged-models/search', 'tracking'],
    ['/api/2.0/mlflow/registered-models/create', 'registry'],
    ['/api/2.0/mlflow/model-versions/get', 'registry'],
    ['/api/2.0/mlflow/experiments/permissions/create', 'authz'],
    ['/api/2.0/mlflow/registered-models/permissions/get', 'authz'],
    ['/api/2.0/mlflow/users/current', 'authz'],
    ['/api/3.0/mlflow/roles/list', 'authz'],
    ['/api/3.0/mlflow/users/permissions/list', 'authz'],
    ['/api/authz/api-keys', 'authz'],
    ['/api/audit/events', 'audit'],
    ['/api/gateway/ip-rules', 'gateway'],
    ['/get-artifact', 'tracking'],
    ['/ajax-api/2.0/mlflow/get-artifact', 'tracking'],
    ['/ajax-api/2.0/mlflow/upload-artifact', 'tracking'],
    ['/ajax-api/2.0/mlflow/logged-models/m-1/artifacts/directories', 'tracking'],
    ['/ajax-api/2.0/mlflow/logged-models/m-1/artifacts/files', 'tracking'],
    ['/graphql', 'tracking'],
    ['/', 'gateway'],
    ['/static-files/static/js/main.c2f5f8d4.js', 'gateway'],
    ['/ajax-api/3.0/mlflow/server-info', 'gateway'],
    ['/api/3.0/mlflow/server-info', 'gateway'],
    ['/ajax-api/3.0/mlflow/ui-telemetry', 'gateway'],
    ['/ajax-api/3.0/mlflow/assistant/config', 'gateway'],
    ['/ajax-api/2.0/mlflow/gateway-proxy', 'gateway'],
    ['/ajax-api/3.0/mlflow/traces/search', 'tracking'],
    ['/api/openapi.json', 'gateway'],
    ['/api/docs', 'gateway'],
    ['/api/docs/swagger-ui.css', 'gateway'],
  ])('%s → %s', (path, upstream) => expect(routeFor(path)).toBe(upstream));

  it.each(['/api/2.0/other', '/api/auditx', '/index.html', '/static-filesx', '/api/2.0/mlflowx/experiments', '/api/gatewayx/ip-rules', '/get-artifacts', '/get-artifact/x', '/model-versions/get-artifact', '/graphqlx', '/graphql/x', '/api/openapi.jsonx', '/api/docsx'])('%s has no owner', (path) => expect(routeFor(path)).toBeUndefined());
});
