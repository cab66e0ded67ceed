import { randomUUID } from 'node:crypto';

/** What one user owns and another probes: ids substituted into each route's path and body. */
export interface Target {
  exp: string;
  expName: string;
  run: string;
  model: string;
  /** A second logged model, there to be deleted by the MANAGE level (the first one stays for later checks). */
  spareModel: string;
  /** A third user, the subject of the permission-management routes. */
  otherUser: string;
  /** The prober's own run, in its own experiment: linking its data to the target's model writes to that model. */
  ownRun: string;
}

export type Level = 'READ' | 'EDIT' | 'MANAGE';

export interface Route {
  /** Tells apart routes listed more than once. */
  note?: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (t: Target) => string;
  body?: (t: Target) => unknown;
  /** Raw bytes instead of a JSON body (artifact uploads). */
  bytes?: string;
  need: Level;
  /** Searches and lists: whether the answer shows the target's things. */
  shows?: (body: Record<string, unknown>, t: Target) => boolean;
  /** What the route answers when allowed (routes that refuse the operation itself answer 501). */
  allowedStatus?: number;
  /**
   * What a caller who may not read the experiment gets: the same answer as for a missing id. Authz's
   * permission routes answer 403 for any experiment, existing or not (as MLflow's auth plugin does).
   */
  hidden?: { status: number; error_code: string };
}

export const routeName = (r: Route) => `${r.method} ${r.path(PLACEHOLDER).split('?')[0]}${r.note ? ` (${r.note})` : ''}`;

const PLACEHOLDER: Target = { exp: '<exp>', expName: '<name>', run: '<run>', model: '<model>', spareModel: '<spare>', otherUser: '<user>', ownRun: '<own-run>' };
const API = '/api/2.0/mlflow';
const AJAX = '/ajax-api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts';
const runRoot = (t: Target) => `${t.exp}/${t.run}/artifacts`;
const modelRoot = (t: Target) => `${t.exp}/models/${t.model}/artifacts`;
const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();
/** Param keys are write-once with a fixed value, so every logging call uses a fresh key. */
const freshKey = () => `k-${randomUUID().slice(0, 8)}`;
const FORBIDDEN_ANYWHERE = { status: 403, error_code: 'PERMISSION_DENIED' };

/** One GraphQL root field over a target id, passed as the variable `$id` as the web UI passes its inputs. */
const gql = (selection: string, id: string, operation: 'query' | 'mutation' = 'query') => ({ query: `${operation} Probe($id: String) { ${selection} }`, variables: { id } });
interface GqlResult {
  experiment?: { experimentId?: string };
  run?: { info?: { runId?: string } };
  runs?: { info?: { runId?: string } }[];
  files?: unknown[];
  metrics?: { runId?: string }[];
  datasetSummaries?: { experimentId?: string }[];
}
const gqlField = (body: Record<string, unknown>, name: string) => (body.data as Record<string, GqlResult | null> | null | undefined)?.[name] ?? undefined;
const list = (body: Record<string, unknown>, field: string) => (body[field] ?? []) as Record<string, unknown>[];
const showsExperiment = (body: Record<string, unknown>, t: Target) => list(body, 'experiments').some((e) => e.experiment_id === t.exp);
const showsRun = (body: Record<string, unknown>, t: Target) => list(body, 'runs').some((r) => (r.info as { run_id: string }).run_id === t.run);
const showsDataset = (body: Record<string, unknown>, t: Target) => list(body, 'dataset_summaries').some((d) => d.experiment_id === t.exp);
const showsModel = (body: Record<string, unknown>, t: Target) => list(body, 'models').some((m) => (m.info as { model_id: string }).model_id === t.model);

/**
 * Every public route of tracking that reads or changes something under an experiment (from
 * apps/tracking/src/controllers and artifacts; see its route-policies spec), plus authz's
 * permission routes for it, each with the permission it needs. Order matters where a later route
 * uses what an earlier one made (set a tag, then delete it; delete, then restore).
 */
export const ROUTES: Route[] = [
  // experiments
  { method: 'GET', path: (t) => `${API}/experiments/get?${qs({ experiment_id: t.exp })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/experiments/get?${qs({ experiment_id: t.exp })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${API}/experiments/get-by-name?${qs({ experiment_name: t.expName })}`, need: 'READ' },
  { method: 'POST', path: () => `${API}/experiments/search`, body: (t) => ({ filter: `name = '${t.expName}'`, view_type: 'ALL' }), need: 'READ', shows: showsExperiment },
  { method: 'GET', path: (t) => `${API}/experiments/search?${qs({ filter: `name = '${t.expName}'`, view_type: 'ALL' })}`, need: 'READ', shows: showsExperiment },
  { method: 'POST', path: () => `${AJAX}/experiments/search`, body: (t) => ({ filter: `name = '${t.expName}'` }), need: 'READ', shows: showsExperiment },
  { method: 'POST', path: () => `${AJAX}/experiments/search-datasets`, body: (t) => ({ experiment_ids: [t.exp] }), need: 'READ', shows: showsDataset },
  { method: 'POST', path: () => `${API}/experiments/update`, body: (t) => ({ experiment_id: t.exp, new_name: t.expName }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/experiments/set-experiment-tag`, body: (t) => ({ experiment_id: t.exp, key: 'b-tag', value: 'b' }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/experiments/delete-experiment-tag`, body: (t) => ({ experiment_id: t.exp, key: 'b-tag' }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/experiments/delete`, body: (t) => ({ experiment_id: t.exp }), need: 'MANAGE' },
  { method: 'POST', path: () => `${API}/experiments/restore`, body: (t) => ({ experiment_id: t.exp }), need: 'MANAGE' },

  // runs and what is logged into them
  { method: 'GET', path: (t) => `${API}/runs/get?${qs({ run_id: t.run })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/runs/get?${qs({ run_id: t.run })}`, need: 'READ' },
  { method: 'POST', path: () => `${API}/runs/search`, body: (t) => ({ experiment_ids: [t.exp], run_view_type: 'ALL' }), need: 'READ', shows: showsRun },
  { method: 'GET', path: (t) => `${API}/runs/search?${qs({ experiment_ids: t.exp })}`, need: 'READ', shows: showsRun },
  { method: 'POST', path: () => `${AJAX}/runs/search`, body: (t) => ({ experiment_ids: [t.exp] }), need: 'READ', shows: showsRun },
  { method: 'POST', path: () => `${API}/runs/create`, body: (t) => ({ experiment_id: t.exp, start_time: Date.now() }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/runs/update`, body: (t) => ({ run_id: t.run, run_name: 'renamed-by-b' }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/runs/log-metric`, body: (t) => ({ run_id: t.run, key: 'loss', value: 0.25, timestamp: Date.now(), step: 3 }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/runs/log-parameter`, body: (t) => ({ run_id: t.run, key: freshKey(), value: 'b' }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/runs/set-tag`, body: (t) => ({ run_id: t.run, key: 'b-tag', value: 'b' }), need: 'EDIT' },
  { method: 'POST', path: () => `${AJAX}/runs/set-tag`, body: (t) => ({ run_id: t.run, key: 'b-tag', value: 'b2' }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/runs/delete-tag`, body: (t) => ({ run_id: t.run, key: 'b-tag' }), need: 'EDIT' },
  {
    method: 'POST',
    path: () => `${API}/runs/log-batch`,
    body: (t) => ({ run_id: t.run, metrics: [{ key: 'loss', value: 0.2, timestamp: Date.now(), step: 4 }], params: [{ key: freshKey(), value: 'b' }], tags: [{ key: 'b-batch', value: 'b' }] }),
    need: 'EDIT',
  },
  {
    method: 'POST',
    path: () => `${API}/runs/log-inputs`,
    body: (t) => ({ run_id: t.run, datasets: [{ tags: [], dataset: { name: 'b-data', digest: 'b1', source_type: 'local', source: '{"uri":"b"}' } }] }),
    need: 'EDIT',
  },
  { method: 'POST', path: () => `${API}/runs/outputs`, body: (t) => ({ run_id: t.run, models: [{ model_id: t.model, step: 1 }] }), need: 'EDIT' },
  {
    method: 'POST',
    path: () => `${API}/runs/log-model`,
    body: (t) => ({ run_id: t.run, model_json: JSON.stringify({ artifact_path: 'b-model', flavors: {}, utc_time_created: '2025-01-01 00:00:00.000000', run_id: t.run }) }),
    need: 'EDIT',
  },
  // the prober's own run, linking its data to the target's logged model (a write to the model)
  {
    note: 'own run, metric on their model',
    method: 'POST',
    path: () => `${API}/runs/log-metric`,
    body: (t) => ({ run_id: t.ownRun, key: 'linked', value: 1, timestamp: Date.now(), model_id: t.model }),
    need: 'EDIT',
  },
  {
    note: 'own run, metric on their model',
    method: 'POST',
    path: () => `${API}/runs/log-batch`,
    body: (t) => ({ run_id: t.ownRun, metrics: [{ key: 'linked', value: 2, timestamp: Date.now(), model_id: t.model }] }),
    need: 'EDIT',
  },
  { note: 'own run, their model as input', method: 'POST', path: () => `${API}/runs/log-inputs`, body: (t) => ({ run_id: t.ownRun, models: [{ model_id: t.model }] }), need: 'EDIT' },
  { note: 'own run, their model as output', method: 'POST', path: () => `${API}/runs/outputs`, body: (t) => ({ run_id: t.ownRun, models: [{ model_id: t.model, step: 0 }] }), need: 'EDIT' },
  { method: 'POST', path: () => `${API}/runs/delete`, body: (t) => ({ run_id: t.run }), need: 'MANAGE' },
  { method: 'POST', path: () => `${API}/runs/restore`, body: (t) => ({ run_id: t.run }), need: 'MANAGE' },

  // metrics
  { method: 'GET', path: (t) => `${API}/metrics/get-history?${qs({ run_id: t.run, metric_key: 'loss' })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${API}/metrics/get-history-bulk-interval?${qs({ run_ids: t.run, metric_key: 'loss' })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/metrics/get-history-bulk-interval?${qs({ run_ids: t.run, metric_key: 'loss' })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/metrics/get-history-bulk?${qs({ run_id: t.run, metric_key: 'loss' })}`, need: 'READ' },

  // artifacts: the run's listing and the proxy (uploads, downloads, listing, deletes, multipart)
  { method: 'GET', path: (t) => `${API}/artifacts/list?${qs({ run_id: t.run })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${ARTIFACTS}/artifacts/${runRoot(t)}/a/data.txt`, need: 'READ' },
  { method: 'GET', path: (t) => `/ajax-api/2.0/mlflow-artifacts/artifacts/${runRoot(t)}/a/data.txt`, need: 'READ' },
  { method: 'GET', path: (t) => `${ARTIFACTS}/artifacts?${qs({ path: runRoot(t) })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${ARTIFACTS}/artifacts/${modelRoot(t)}/model.txt`, need: 'READ' },
  { method: 'GET', path: (t) => `${ARTIFACTS}/artifacts?${qs({ path: modelRoot(t) })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${ARTIFACTS}/presigned/${runRoot(t)}/a/data.txt`, need: 'READ', allowedStatus: 501 },
  { method: 'PUT', path: (t) => `${ARTIFACTS}/artifacts/${runRoot(t)}/b/upload.txt`, bytes: 'uploaded by b', need: 'EDIT' },
  { method: 'PUT', path: (t) => `${ARTIFACTS}/artifacts/${modelRoot(t)}/b.txt`, bytes: 'uploaded by b', need: 'EDIT' },
  { method: 'POST', path: (t) => `${ARTIFACTS}/mpu/create/${runRoot(t)}/b/big.bin`, body: () => ({ path: 'b/big.bin', num_parts: 2 }), need: 'EDIT', allowedStatus: 501 },
  { method: 'POST', path: (t) => `${ARTIFACTS}/mpu/complete/${runRoot(t)}/b/big.bin`, body: () => ({ path: 'b/big.bin', upload_id: 'u1', parts: [] }), need: 'EDIT', allowedStatus: 501 },
  { method: 'POST', path: (t) => `${ARTIFACTS}/mpu/abort/${runRoot(t)}/b/big.bin`, body: () => ({ path: 'b/big.bin', upload_id: 'u1' }), need: 'EDIT', allowedStatus: 501 },
  { method: 'DELETE', path: (t) => `${ARTIFACTS}/artifacts/${runRoot(t)}/b/upload.txt`, need: 'MANAGE' },
  { method: 'DELETE', path: (t) => `${ARTIFACTS}/artifacts/${modelRoot(t)}/b.txt`, need: 'MANAGE' },
  // the web UI's artifact routes, by run or logged model id
  { method: 'GET', path: (t) => `/get-artifact?${qs({ run_id: t.run, path: 'a/data.txt' })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/get-artifact?${qs({ run_uuid: t.run, path: 'a/data.txt' })}`, need: 'READ' },
  { method: 'POST', path: (t) => `${AJAX}/upload-artifact?${qs({ run_uuid: t.run, path: 'b/ui-upload.txt' })}`, bytes: 'uploaded by b', need: 'EDIT' },
  { method: 'GET', path: (t) => `${API}/logged-models/${t.model}/artifacts/directories`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/logged-models/${t.model}/artifacts/directories?${qs({ artifact_directory_path: '.' })}`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/logged-models/${t.model}/artifacts/files?${qs({ artifact_file_path: 'model.txt' })}`, need: 'READ' },

  // MLflow's GraphQL (its web UI's experiment and run pages): a field the caller may not read is
  // null with the missing id's error, so B's answer is the missing id's answer, status 200
  {
    method: 'POST',
    note: 'mlflowGetExperiment',
    path: () => '/graphql',
    body: (t) => gql('mlflowGetExperiment(input: {experimentId: $id}) { experiment { experimentId name } }', t.exp),
    need: 'READ',
    shows: (b, t) => gqlField(b, 'mlflowGetExperiment')?.experiment?.experimentId === t.exp,
  },
  {
    method: 'POST',
    note: 'mlflowGetRun',
    path: () => '/graphql',
    body: (t) => gql('mlflowGetRun(input: {runId: $id}) { run { info { runId } experiment { name } data { metrics { key value } } } }', t.run),
    need: 'READ',
    shows: (b, t) => gqlField(b, 'mlflowGetRun')?.run?.info?.runId === t.run,
  },
  {
    method: 'POST',
    note: 'mlflowSearchRuns',
    path: () => '/graphql',
    body: (t) => gql('mlflowSearchRuns(input: {experimentIds: [$id], runViewType: ALL}) { runs { info { runId } } }', t.exp),
    need: 'READ',
    shows: (b, t) => (gqlField(b, 'mlflowSearchRuns')?.runs ?? []).some((r) => r.info?.runId === t.run),
  },
  {
    method: 'POST',
    note: 'mlflowListArtifacts',
    path: () => '/graphql',
    body: (t) => gql('mlflowListArtifacts(input: {runId: $id}) { rootUri files { path } }', t.run),
    need: 'READ',
    shows: (b) => (gqlField(b, 'mlflowListArtifacts')?.files ?? []).length > 0,
  },
  {
    method: 'POST',
    note: 'mlflowGetMetricHistoryBulkInterval',
    path: () => '/graphql',
    body: (t) => gql('mlflowGetMetricHistoryBulkInterval(input: {runIds: [$id], metricKey: "loss"}) { metrics { runId step } }', t.run),
    need: 'READ',
    shows: (b, t) => (gqlField(b, 'mlflowGetMetricHistoryBulkInterval')?.metrics ?? []).some((m) => m.runId === t.run),
  },
  {
    method: 'POST',
    note: 'mlflowSearchDatasets',
    path: () => '/graphql',
    body: (t) => gql('mlflowSearchDatasets(input: {experimentIds: [$id]}) { datasetSummaries { experimentId name } }', t.exp, 'mutation'),
    need: 'READ',
    shows: (b, t) => (gqlField(b, 'mlflowSearchDatasets')?.datasetSummaries ?? []).some((d) => d.experimentId === t.exp),
  },

  // logged models
  { method: 'GET', path: (t) => `${API}/logged-models/${t.model}`, need: 'READ' },
  { method: 'GET', path: (t) => `${AJAX}/logged-models/${t.model}`, need: 'READ' },
  { method: 'POST', path: () => `${API}/logged-models/search`, body: (t) => ({ experiment_ids: [t.exp] }), need: 'READ', shows: showsModel },
  { method: 'POST', path: () => `${API}/logged-models`, body: (t) => ({ experiment_id: t.exp, name: 'made-by-b' }), need: 'EDIT' },
  { method: 'PATCH', path: (t) => `${API}/logged-models/${t.model}`, body: () => ({ status: 'LOGGED_MODEL_READY' }), need: 'EDIT' },
  { method: 'PATCH', path: (t) => `${API}/logged-models/${t.model}/tags`, body: () => ({ tags: [{ key: 'b-tag', value: 'b' }] }), need: 'EDIT' },
  { method: 'POST', path: (t) => `${API}/logged-models/${t.model}/params`, body: () => ({ params: [{ key: freshKey(), value: 'b' }] }), need: 'EDIT' },
  { method: 'DELETE', path: (t) => `${API}/logged-models/${t.model}/tags/b-tag`, need: 'MANAGE' },
  { method: 'DELETE', path: (t) => `${API}/logged-models/${t.spareModel}`, need: 'MANAGE' },

  // who may access the experiment (authz): MANAGE
  {
    method: 'POST',
    path: () => `${API}/experiments/permissions/create`,
    body: (t) => ({ experiment_id: t.exp, username: t.otherUser, permission: 'READ' }),
    need: 'MANAGE',
    hidden: FORBIDDEN_ANYWHERE,
  },
  { method: 'GET', path: (t) => `${API}/experiments/permissions/get?${qs({ experiment_id: t.exp, username: t.otherUser })}`, need: 'MANAGE', hidden: FORBIDDEN_ANYWHERE },
  {
    method: 'PATCH',
    path: () => `${API}/experiments/permissions/update`,
    body: (t) => ({ experiment_id: t.exp, username: t.otherUser, permission: 'EDIT' }),
    need: 'MANAGE',
    hidden: FORBIDDEN_ANYWHERE,
  },
  { method: 'DELETE', path: () => `${API}/experiments/permissions/delete`, body: (t) => ({ experiment_id: t.exp, username: t.otherUser }), need: 'MANAGE', hidden: FORBIDDEN_ANYWHERE },
  {
    method: 'POST',
    path: () => '/api/3.0/mlflow/users/permissions/grant',
    body: (t) => ({ username: t.otherUser, resource_type: 'experiment', resource_id: t.exp, permission: 'READ' }),
    need: 'MANAGE',
    hidden: FORBIDDEN_ANYWHERE,
  },
  {
    method: 'POST',
    path: () => '/api/3.0/mlflow/users/permissions/revoke',
    body: (t) => ({ username: t.otherUser, resource_type: 'experiment', resource_id: t.exp }),
    need: 'MANAGE',
    hidden: FORBIDDEN_ANYWHERE,
  },
];
