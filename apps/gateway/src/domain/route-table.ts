/**
 * Which service owns a public path. Order matters: permission routes live under the experiment and
 * registered-model prefixes but belong to authz. `gateway` is this service's own admin API, MLflow's
 * web UI and the MLflow routes about the server as a whole, served in-process by its controllers
 * once the caller is authenticated.
 */
export type Upstream = 'tracking' | 'registry' | 'authz' | 'audit';
export type Owner = Upstream | 'gateway';

const TABLE: [RegExp, Owner][] = [
  // MLflow's web UI and the 3.0 routes that describe the server, answered by the gateway itself.
  [/^\/(static-files\/|$)/, 'gateway'],
  [/^\/(ajax-)?api\/3\.0\/mlflow\/server-info$/, 'gateway'],
  [/^\/ajax-api\/3\.0\/mlflow\/(ui-telemetry$|assistant\/)/, 'gateway'],
  [/^\/ajax-api\/2\.0\/mlflow\/gateway-proxy$/, 'gateway'],
  // MLflow 3's AI gateway admin API (secrets): the gateway owns AI endpoints and credentials (decision 044).
  [/^\/(ajax-)?api\/3\.0\/mlflow\/gateway\//, 'gateway'],
  [/^\/(ajax-)?api\/2\.0\/mlflow\/(users|experiments\/permissions|registered-models\/permissions)\//, 'authz'],
  [/^\/(ajax-)?api\/3\.0\/mlflow\/(roles|users)\//, 'authz'],
  [/^\/(ajax-)?api\/2\.0\/mlflow\/(registered-models|model-versions)\//, 'registry'],
  [/^\/(ajax-)?api\/[23]\.0\/mlflow\//, 'tracking'],
  [/^\/(ajax-)?api\/2\.0\/mlflow-artifacts\//, 'tracking'],
  // MLflow's web UI downloads a run's file from the top level (`get_artifact_handler`).
  [/^\/get-artifact$/, 'tracking'],
  // MLflow's GraphQL endpoint (its web UI's experiment and run pages), served by tracking.
  [/^\/graphql$/, 'tracking'],
  [/^\/api\/audit\//, 'audit'],
  [/^\/api\/authz\//, 'authz'],
  [/^\/api\/gateway\//, 'gateway'],
  // The AI gateway's call routes (decision 043): OpenAI, Anthropic and MLflow deployments dialects, served in-process.
  [/^\/v1\/(chat\/completions|completions|embeddings|models|models\/[^/]+|messages)$/, 'gateway'],
  [/^\/api\/2\.0\/endpoints(\/[^/]*)?$/, 'gateway'],
  [/^\/endpoints\/[^/]+\/invocations$/, 'gateway'],
  [/^\/gateway\/([^/]+\/mlflow\/invocations|mlflow\/v1\/chat\/completions)$/, 'gateway'],
  // The merged OpenAPI document and its Swagger UI page (decision 036).
  [/^\/api\/(openapi\.json$|docs(\/|$))/, 'gateway'],
];

export function routeFor(path: string): Owner | undefined {
  return TABLE.find(([re]) => re.test(path))?.[1];
}
