/**
 * Which service owns a public path. Order matters: permission routes live under the experiment and
 * registered-model prefixes but belong to authz. `gateway` is this service's own admin API, served
 * in-process by its controllers once the caller is authenticated.
 */
export type Upstream = 'tracking' | 'registry' | 'authz' | 'audit';
export type Owner = Upstream | 'gateway';

const TABLE: [RegExp, Owner][] = [
  [/^\/(ajax-)?api\/2\.0\/mlflow\/(users|experiments\/permissions|registered-models\/permissions)\//, 'authz'],
  [/^\/(ajax-)?api\/3\.0\/mlflow\/(roles|users)\//, 'authz'],
  [/^\/(ajax-)?api\/2\.0\/mlflow\/(registered-models|model-versions)\//, 'registry'],
  [/^\/(ajax-)?api\/[23]\.0\/mlflow\//, 'tracking'],
  [/^\/(ajax-)?api\/2\.0\/mlflow-artifacts\//, 'tracking'],
  [/^\/api\/audit\//, 'audit'],
  [/^\/api\/authz\//, 'authz'],
  [/^\/api\/gateway\//, 'gateway'],
  // The merged OpenAPI document and its Swagger UI page (decision 036).
  [/^\/api\/(openapi\.json$|docs(\/|$))/, 'gateway'],
];

export function routeFor(path: string): Owner | undefined {
  return TABLE.find(([re]) => re.test(path))?.[1];
}
