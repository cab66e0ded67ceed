/**
 * Which service owns a public path. Order matters: permission routes live under the experiment and
 * registered-model prefixes but belong to authz.
 */
export type Upstream = 'tracking' | 'registry' | 'authz' | 'audit';

const TABLE: [RegExp, Upstream][] = [
  [/^\/(ajax-)?api\/2\.0\/mlflow\/(users|experiments\/permissions|registered-models\/permissions)\//, 'authz'],
  [/^\/(ajax-)?api\/3\.0\/mlflow\/roles\//, 'authz'],
  [/^\/(ajax-)?api\/2\.0\/mlflow\/(registered-models|model-versions)\//, 'registry'],
  [/^\/(ajax-)?api\/[23]\.0\/mlflow\//, 'tracking'],
  [/^\/(ajax-)?api\/2\.0\/mlflow-artifacts\//, 'tracking'],
  [/^\/api\/audit\//, 'audit'],
  [/^\/api\/authz\//, 'authz'],
];

export function routeFor(path: string): Upstream | undefined {
  return TABLE.find(([re]) => re.test(path))?.[1];
}
