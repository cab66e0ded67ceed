import { Principal } from '@custos/rbac';
import { DENIAL_HEADER } from '@custos/platform';
import { admin, alice, ArtifactTestApp, bob, emptyBucket, json, masterKey, newTestDatabase, rawS3 } from '../artifacts/artifact-test-app.spec-helper';
import { TestDatabase } from '@custos/testing';

/*
 * The documents MLflow's web UI sends (mlflow/server/js/src: useGetRunQuery, useExperimentQuery,
 * useSampledMetricHistoryGraphQL, the runs table's SearchRuns), written out here with the
 * `__typename` selections Apollo adds to every level.
 */
const GET_RUN = `
  query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetRun(input: $data) {
      __typename
      apiError { __typename helpUrl code message }
      run {
        __typename
        info { __typename runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId }
        experiment { __typename experimentId name tags { __typename key value } artifactLocation lifecycleStage lastUpdateTime }
        modelVersions { __typename status version name source }
        data {
          __typename
          metrics { __typename key value step timestamp }
          params { __typename key value }
          tags { __typename key value }
        }
        inputs {
          __typename
          datasetInputs { __typename dataset { __typename digest name profile schema source sourceType } tags { __typename key value } }
          modelInputs { __typename modelId }
        }
        outputs { __typename modelOutputs { __typename modelId step } }
      }
    }
  }`;

const GET_EXPERIMENT = `
  query MlflowGetExperimentQuery($input: MlflowGetExperimentInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetExperiment(input: $input) {
      apiError { code message }
      experiment { artifactLocation creationTime experimentId lastUpdateTime lifecycleStage name tags { key value } }
    }
  }`;

const SEARCH_RUNS = `
  query SearchRuns($data: MlflowSearchRunsInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowSearchRuns(input: $data) {
      apiError { helpUrl code message }
      runs {
        info { runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId }
        experiment { experimentId name tags { key value } artifactLocation lifecycleStage lastUpdateTime }
        data { metrics { key value step timestamp } params { key value } tags { key value } }
        inputs { datasetInputs { dataset { digest name profile schema source sourceType } tags { key value } } modelInputs { modelId } }
        outputs { modelOutputs { modelId step } }
        modelVersions { version name creationTimestamp status source }
      }
      nextPageToken
    }
  }`;

const BULK_INTERVAL = `
  query GetMetricHistoryBulkInterval($data: MlflowGetMetricHistoryBulkIntervalInput!)
  @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetMetricHistoryBulkInterval(input: $data) {
      __typename
      metrics { timestamp step runId key value }
      apiError { code message }
    }
  }`;

const LIST_ARTIFACTS = `query ListArtifacts($data: MlflowListArtifactsInput!) { mlflowListArtifacts(input: $data) { rootUri files { path isDir fileSize } nextPageToken } }`;
const SEARCH_DATASETS = `mutation SearchDatasets($data: MlflowSearchDatasetsInput!) { mlflowSearchDatasets(input: $data) { datasetSummaries { experimentId name digest context } } }`;
const SEARCH_MODEL_VERSIONS = `query SearchModelVersions($data: MlflowSearchModelVersionsInput!) { mlflowSearchModelVersions(input: $data) { modelVersions { name version } nextPageToken } }`;

type Body = { data: Record<string, unknown> | null; errors: string[] | null };

describe('MLflow GraphQL endpoint on real PostgreSQL and MinIO', () => {
  const bucket = `t-graphql-${Date.now().toString(36)}`;
  let db: TestDatabase;
  let app: ArtifactTestApp;
  let exp: string;
  let runId: string;
  let otherRun: string;

  const send = async (as: Principal, method: string, path: string, body?: unknown) => {
    const bytes = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const r = await app.request(as, method, path, bytes, bytes ? { 'content-type': 'application/json' } : {});
    return { status: r.status, headers: r.headers, body: json(r) };
  };
  const rest = async <T>(as: Principal, path: string, body: unknown): Promise<T> => {
    const r = await send(as, 'POST', `/api/2.0/mlflow/${path}`, body);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as T;
  };
  const gql = async (as: Principal, query: string, variables?: unknown) => {
    const r = await send(as, 'POST', '/graphql', { query, variables });
    return { status: r.status, headers: r.headers, body: r.body as Body };
  };
  const field = <T>(b: Body, name: string) => (b.data as Record<string, T>)[name];

  beforeAll(async () => {
    db = await newTestDatabase();
    app = await ArtifactTestApp.start(db, bucket, { masterKeys: `k1:${masterKey()}`, activeKeyId: 'k1' });
    ({ experiment_id: exp } = await rest<{ experiment_id: string }>(alice, 'experiments/create', { name: 'graphql-exp', tags: [{ key: 'team', value: 'vision' }] }));
    const created = async (name: string, start: number) =>
      (await rest<{ run: { info: { run_id: string } } }>(alice, 'runs/create', { experiment_id: exp, run_name: name, start_time: start })).run.info.run_id;
    runId = await created('first', 1000);
    otherRun = await created('second', 2000);
    await rest(alice, 'runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 10 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 5000 + step, step })).concat([
        { key: 'odd', value: 'NaN' as unknown as number, timestamp: 1, step: 0 },
      ]),
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 'stage', value: 'train' }],
    });
    await rest(alice, 'runs/log-inputs', {
      run_id: runId,
      datasets: [{ dataset: { name: 'iris', digest: 'd1', source_type: 'local', source: '{}' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }],
    });
    const put = await app.request(alice, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/model/weights.bin`, Buffer.from('weights'));
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await emptyBucket(rawS3(), bucket).catch(() => undefined);
    await db?.drop();
  });

  it("answers the run page's GetRun with the run, its experiment, data, inputs and (no) model versions", async () => {
    const r = await gql(alice, GET_RUN, { data: { runId } });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeNull();
    const { run } = field<{ run: Record<string, Record<string, unknown>> }>(r.body, 'mlflowGetRun');
    expect(run.__typename).toBe('MlflowRunExtension');
    expect(run.info).toMatchObject({ runName: 'first', status: 'RUNNING', runUuid: runId, experimentId: exp, startTime: '1000', endTime: null, lifecycleStage: 'active' });
    expect(run.experiment).toMatchObject({ experimentId: exp, name: 'graphql-exp', tags: [{ __typename: 'MlflowExperimentTag', key: 'team', value: 'vision' }] });
    expect(run.modelVersions).toEqual([]);
    const data = run.data as { metrics: unknown[]; params: unknown[]; tags: { key: string }[] };
    expect(data.metrics).toEqual([
      { __typename: 'MlflowMetricExtension', key: 'loss', value: 0.1, step: '9', timestamp: '5009' },
      // MLflow's GraphQL answers a NaN metric as null (Float has no NaN).
      { __typename: 'MlflowMetricExtension', key: 'odd', value: null, step: '0', timestamp: '1' },
    ]);
    expect(data.params).toEqual([{ __typename: 'MlflowParam', key: 'lr', value: '0.1' }]);
    expect(data.tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'stage', value: 'train' })]));
    expect(run.inputs).toMatchObject({ datasetInputs: [{ dataset: { name: 'iris', digest: 'd1', sourceType: 'local' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }] });
  });

  it("answers the experiment page's MlflowGetExperimentQuery", async () => {
    const r = await gql(alice, GET_EXPERIMENT, { input: { experimentId: exp } });
    expect(r.body.errors).toBeNull();
    const res = field<{ apiError: unknown; experiment: Record<string, unknown> }>(r.body, 'mlflowGetExperiment');
    expect(res.apiError).toBeNull();
    expect(res.experiment).toMatchObject({ experimentId: exp, name: 'graphql-exp', lifecycleStage: 'active', tags: [{ key: 'team', value: 'vision' }] });
    expect(res.experiment.creationTime).toMatch(/^\d+$/);
  });

  it("answers the runs table's SearchRuns with MLflow's filter, order and paging, as a query and as MLflow's mutation", async () => {
    const r = await gql(alice, SEARCH_RUNS, { data: { experimentIds: [exp], filter: "params.lr = '0.1'", runViewType: 'ACTIVE_ONLY' } });
    expect(r.body.errors).toBeNull();
    const res = field<{ runs: { info: { runName: string }; experiment: { name: string } }[] }>(r.body, 'mlflowSearchRuns');
    expect(res.runs.map((x) => x.info.runName)).toEqual(['first']);
    expect(res.runs[0].experiment.name).toBe('graphql-exp');
    const paged = await gql(alice, SEARCH_RUNS, { data: { experimentIds: [exp], maxResults: 1, orderBy: ['attributes.start_time ASC'] } });
    const page = field<{ runs: { info: { runName: string } }[]; nextPageToken: string }>(paged.body, 'mlflowSearchRuns');
    expect(page.runs.map((x) => x.info.runName)).toEqual(['first']);
    expect(page.nextPageToken).toEqual(expect.any(String));
    const mutation = await gql(alice, SEARCH_RUNS.replace('query SearchRuns', 'mutation SearchRuns'), { data: { experimentIds: [exp] } });
    expect(field<{ runs: unknown[] }>(mutation.body, 'mlflowSearchRuns').runs).toHaveLength(2);
    const badFilter = await gql(alice, SEARCH_RUNS, { data: { experimentIds: [exp], filter: 'metrics.loss >' } });
    expect(badFilter.status).toBe(200);
    expect(field(badFilter.body, 'mlflowSearchRuns')).toBeNull();
    expect(badFilter.body.errors?.[0]).toEqual(expect.any(String));
  });

  it("answers the charts' GetMetricHistoryBulkInterval with REST's sample", async () => {
    const r = await gql(alice, BULK_INTERVAL, { data: { runIds: [runId, otherRun], metricKey: 'loss', maxResults: 320 } });
    expect(r.body.errors).toBeNull();
    const { metrics } = field<{ metrics: { runId: string; step: string; value: number }[] }>(r.body, 'mlflowGetMetricHistoryBulkInterval');
    expect(metrics.map((m) => m.step)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(new Set(metrics.map((m) => m.runId))).toEqual(new Set([runId]));
    const viaRest = await send(alice, 'GET', `/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runId}&metric_key=loss&max_results=3`);
    const viaGraphql = await gql(alice, BULK_INTERVAL, { data: { runIds: [runId], metricKey: 'loss', maxResults: 3 } });
    const steps = field<{ metrics: { step: string }[] }>(viaGraphql.body, 'mlflowGetMetricHistoryBulkInterval').metrics.map((m) => Number(m.step));
    expect(steps).toEqual((viaRest.body as { metrics: { step: number }[] }).metrics.map((m) => m.step));
  });

  it("lists a run's artifacts, its datasets, and truthfully no model versions (no registry yet)", async () => {
    const files = await gql(alice, LIST_ARTIFACTS, { data: { runId } });
    expect(field(files.body, 'mlflowListArtifacts')).toMatchObject({ files: [{ path: 'model', isDir: true, fileSize: null }] });
    const inside = await gql(alice, LIST_ARTIFACTS, { data: { runId, path: 'model' } });
    expect(field(inside.body, 'mlflowListArtifacts')).toMatchObject({ files: [{ path: 'model/weights.bin', isDir: false, fileSize: '7' }] });
    const datasets = await gql(alice, SEARCH_DATASETS, { data: { experimentIds: [exp] } });
    expect(field(datasets.body, 'mlflowSearchDatasets')).toEqual({ datasetSummaries: [{ experimentId: exp, name: 'iris', digest: 'd1', context: 'training' }] });
    const versions = await gql(alice, SEARCH_MODEL_VERSIONS, { data: { filter: `run_id = '${runId}'` } });
    expect(field(versions.body, 'mlflowSearchModelVersions')).toEqual({ modelVersions: [], nextPageToken: null });
  });

  it('answers a caller without READ exactly as for a missing run or experiment, and marks the denial for audit', async () => {
    const missingRun = 'f'.repeat(32);
    const denied = await gql(bob, GET_RUN, { data: { runId } });
    const missing = await gql(bob, GET_RUN, { data: { runId: missingRun } });
    expect(denied.status).toBe(200);
    expect(denied.body).toEqual({ data: { mlflowGetRun: null }, errors: [`Run with id=${runId} not found`] });
    expect(missing.body).toEqual({ data: { mlflowGetRun: null }, errors: [`Run with id=${missingRun} not found`] });
    expect(denied.headers[DENIAL_HEADER]).toBeDefined();
    expect(missing.headers[DENIAL_HEADER]).toBeUndefined();

    const exp404 = await gql(bob, GET_EXPERIMENT, { input: { experimentId: exp } });
    expect(exp404.body).toEqual({ data: { mlflowGetExperiment: null }, errors: [`No Experiment with id=${exp} exists`] });
    expect((await gql(bob, LIST_ARTIFACTS, { data: { runId } })).body.errors).toEqual([`Run with id=${runId} not found`]);
    expect((await gql(bob, BULK_INTERVAL, { data: { runIds: [runId], metricKey: 'loss' } })).body.errors).toEqual([`Run with id=${runId} not found`]);
    // Searches keep only what the caller may read, as REST's do.
    expect(field((await gql(bob, SEARCH_RUNS, { data: { experimentIds: [exp] } })).body, 'mlflowSearchRuns')).toMatchObject({ runs: [] });
    expect(field((await gql(bob, SEARCH_DATASETS, { data: { experimentIds: [exp] } })).body, 'mlflowSearchDatasets')).toEqual({ datasetSummaries: [] });
    // A grant-free admin reads everything.
    expect(field<{ run: unknown }>((await gql(admin, GET_RUN, { data: { runId } })).body, 'mlflowGetRun').run).not.toBeNull();
  });

  it("answers MLflow's own test query and a GET with the request in its query string", async () => {
    const echo = await gql(alice, 'query testQuery {test(inputString: "abc") { output }}');
    expect(echo.body).toEqual({ data: { test: { output: 'abc' } }, errors: null });
    const q = encodeURIComponent('query Q($input: MlflowGetExperimentInput!) { mlflowGetExperiment(input: $input) { experiment { name } } }');
    const v = encodeURIComponent(JSON.stringify({ input: { experimentId: exp } }));
    const viaGet = await send(alice, 'GET', `/graphql?query=${q}&variables=${v}`);
    expect(viaGet.body).toEqual({ data: { mlflowGetExperiment: { experiment: { name: 'graphql-exp' } } }, errors: null });
  });

  it('answers bad input with a 4xx or GraphQL errors, never a 5xx', async () => {
    const syntax = await gql(alice, '{ mlflowGetRun(input: { runId: "x" } { run { info { runId } } }');
    expect(syntax.status).toBe(400);
    expect(syntax.body.data).toBeNull();
    expect(syntax.body.errors?.[0]).toMatch(/^Syntax Error/);

    const wrongType = await gql(alice, GET_RUN, { data: { runId: 5 } });
    expect(wrongType.status).toBe(200);
    expect(wrongType.body.data).toBeNull();
    expect(wrongType.body.errors?.[0]).toMatch(/String cannot represent a non string value: 5/);

    const missingVar = await gql(alice, GET_RUN, {});
    expect(missingVar.body.errors?.[0]).toMatch(/\$data/);
    const unknownField = await gql(alice, '{ mlflowGetRun(input: {runId: "x"}) { run { secret } } }');
    expect(unknownField.status).toBe(200);
    expect(unknownField.body.errors?.[0]).toMatch(/Cannot query field "secret"/);
    const noRunId = await gql(alice, '{ mlflowGetRun(input: {}) { run { info { runId } } } }');
    expect(noRunId.body).toEqual({ data: { mlflowGetRun: null }, errors: ["Missing value for required parameter 'run_id'. See the API docs for more information about request parameters."] });
    const tooDeep = await gql(alice, `{ ${'a { '.repeat(11)}b${' }'.repeat(11)} }`);
    expect(tooDeep.body).toEqual({ data: null, errors: ['Query exceeds maximum depth of 10'] });
    const tooMany = await gql(alice, `{ ${Array.from({ length: 11 }, (_, i) => `t${i}: test(inputString: "x") { output }`).join(' ')} }`);
    expect(tooMany.body.errors?.[0]).toMatch(/at most 10 aliases/);

    for (const body of [{}, { query: 5 }, { query: '{ test { output } }', variables: [1] }, { query: '{ test { output } }', operationName: 3 }]) {
      const r = await send(alice, 'POST', '/graphql', body);
      expect(r.status).toBe(400);
      expect((r.body as Body).errors).toHaveLength(1);
    }
    const badJsonVariables = await send(alice, 'GET', `/graphql?query=${encodeURIComponent('{ test { output } }')}&variables=%7Bnot-json`);
    expect(badJsonVariables.status).toBe(400);
  });
});
