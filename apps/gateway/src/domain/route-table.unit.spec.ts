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
    ['/api/openapi.json', 'gateway'],
    ['/api/docs', 'gateway'],
    ['/api/docs/swagger-ui.css', 'gateway'],
  ])('%s → %s', (path, upstream) => expect(routeFor(path)).toBe(upstream));

  it.each(['/api/2.0/other', '/api/auditx', '/', '/api/2.0/mlflowx/experiments', '/api/gatewayx/ip-rules', '/api/openapi.jsonx', '/api/docsx'])('%s has no owner', (path) => expect(routeFor(path)).toBeUndefined());
});
