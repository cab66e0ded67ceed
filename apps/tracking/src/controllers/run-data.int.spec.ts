import { alice, bob, createTrackingFixture, failure, get, post, TrackingFixture } from '../testing/tracking-fixture';

type Json = Record<string, unknown>;

describe('runs and run data on real PostgreSQL', () => {
  let t: TrackingFixture;
  let experimentId: string;

  beforeAll(async () => {
    t = await createTrackingFixture('tracking_run_data');
    experimentId = await t.as(alice, () => t.experimentCommands.create('runs-exp', undefined, []));
  });
  afterAll(() => t.db.drop());

  const createRun = (body: Json = {}) =>
    t.as(alice, async () => ((await t.runs.create(post({ experiment_id: experimentId, start_time: 1000, ...body }))) as { run: { info: Json } }).run.info.run_id as string);
  const getRun = (runId: string) => t.as(alice, async () => (await t.runs.get(get({ run_id: runId }))).run as { info: Json; data: { metrics: Json[]; params: Json[]; tags: Json[] } });

  it('creates a run with a 32-hex id, the mlflow-artifacts URI and the run name tag', async () => {
    const runId = await createRun({ run_name: 'first', tags: [{ key: 'team', value: 'ml' }], user_id: 'alice-os' });
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    const run = await getRun(runId);
    expect(run.info).toMatchObject({
      run_id: runId,
      run_uuid: runId,
      run_name: 'first',
      experiment_id: experimentId,
      user_id: 'alice-os',
      status: 'RUNNING',
      start_time: 1000,
      lifecycle_stage: 'active',
      artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
    });
    expect(run.data.tags).toEqual([
      { key: 'mlflow.runName', value: 'first' },
      { key: 'team', value: 'ml' },
    ]);
    const generated = await getRun(await createRun());
    expect(generated.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
  });

  it('stores a log-batch as one event; latest metrics follow MLflow (step, timestamp, value) and history keeps every point', async () => {
    const runId = await createRun();
    const metrics: Json[] = [];
    for (let step = 0; step < 600; step++) metrics.push({ key: 'loss', value: 1 / (step + 1), timestamp: 5000 + step, step });
    metrics.push({ key: 'acc', value: 'NaN', timestamp: 10, step: 3 }, { key: 'acc', value: 0.5, timestamp: 9, step: 3 }, { key: 'acc', value: 0.1, timestamp: 1, step: 1 });
    metrics.push({ key: 'big', value: 'Infinity', timestamp: 1, step: 0 }, { key: 'small', value: '-Infinity', timestamp: 1, step: 0 });
    metrics.push({ key: 'loss', value: 1, timestamp: 5000, step: 0 }); // a duplicate point: ignored
    await t.as(alice, () => t.runData.logBatch(post({ run_id: runId, run_uuid: runId, metrics, params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 'phase', value: 'train' }] }, 5000)));

    const [{ n }] = (await t.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'tracking.RunDataLogged'`, [`run-${runId}`])) as { n: number }[];
    expect(n).toBe(1);

    const run = await getRun(runId);
    const latest = Object.fromEntries(run.data.metrics.map((m) => [m.key as string, m] as const));
    expect(latest.loss).toEqual({ key: 'loss', value: 1 / 600, timestamp: 5599, step: 599 });
    // Same step: the greater timestamp wins, even though its value is NaN (sent as MLflow sends it).
    expect(latest.acc).toEqual({ key: 'acc', value: 'NaN', timestamp: 10, step: 3 });
    expect(latest.big?.value).toBe('Infinity');
    expect(latest.small?.value).toBe('-Infinity');
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);

    // A later point at a lower step does not become latest.
    await t.as(alice, () => t.runData.logMetric(post({ run_id: runId, key: 'loss', value: 42, timestamp: 99999, step: 10 })));
    const after = await getRun(runId);
    expect(after.data.metrics.find((m) => m.key === 'loss')).toEqual({ key: 'loss', value: 1 / 600, timestamp: 5599, step: 599 });

    const history = (await t.as(alice, () => t.metrics.history(get({ run_id: runId, metric_key: 'loss' })))) as { metrics: Json[] };
    expect(history.metrics).toHaveLength(601);

    // A later batch that repeats a logged point keeps its new points and the old one once.
    const again = [
      { key: 'loss', value: 42, timestamp: 99999, step: 10 },
      { key: 'loss', value: 7, timestamp: 99999, step: 11 },
    ];
    await t.as(alice, () => t.runData.logBatch(post({ run_id: runId, run_uuid: runId, metrics: again }, 200)));
    const repeated = (await t.as(alice, () => t.metrics.history(get({ run_id: runId, metric_key: 'loss' })))) as { metrics: Json[] };
    expect(repeated.metrics).toHaveLength(602);
    expect(repeated.metrics.filter((m) => m.timestamp === 99999)).toEqual([
      { key: 'loss', value: 42, timestamp: 99999, step: 10 },
      { key: 'loss', value: 7, timestamp: 99999, step: 11 },
    ]);
    const acc = (await t.as(alice, () => t.metrics.history(get({ run_id: runId, metric_key: 'acc' })))) as { metrics: Json[] };
    expect(acc.metrics.map((m) => m.value)).toEqual([0.1, 0.5, 'NaN']);
  });

  it('pages metric history with tokens and samples bulk intervals keeping the last point', async () => {
    const runId = await createRun();
    const metrics = Array.from({ length: 1000 }, (_, step) => ({ key: 'm', value: step, timestamp: step, step }));
    await t.as(alice, () => t.runData.logBatch(post({ run_id: runId, metrics })));
    const seen: number[] = [];
    let token: string | undefined;
    do {
      const page = (await t.as(alice, () => t.metrics.history(get({ run_id: runId, metric_key: 'm', max_results: '300', ...(token ? { page_token: token } : {}) })))) as {
        metrics: { step: number }[];
        next_page_token?: string;
      };
      seen.push(...page.metrics.map((m) => m.step));
      token = page.next_page_token;
    } while (token);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));

    const sample = (await t.as(alice, () => t.metrics.bulkInterval(get({ run_ids: runId, metric_key: 'm', max_results: '10' })))) as { metrics: { step: number; run_id: string }[] };
    expect(sample.metrics).toHaveLength(10);
    expect(sample.metrics[0]).toMatchObject({ step: 0, run_id: runId });
    expect(sample.metrics[9].step).toBe(999);
    const ranged = (await t.as(alice, () => t.metrics.bulkInterval(get({ run_ids: [runId], metric_key: 'm', start_step: '100', end_step: '199', max_results: '5' })))) as {
      metrics: { step: number }[];
    };
    expect(ranged.metrics.map((m) => m.step)).toEqual([100, 120, 140, 160, 199]);
    expect((await failure(t.as(alice, () => t.metrics.bulkInterval(get({ run_ids: runId, metric_key: 'm', start_step: '5' }))))).httpStatus).toBe(400);
  });

  it('keeps params write-once: the same value again is fine, a new value is refused with MLflow’s message', async () => {
    const runId = await createRun();
    await t.as(alice, () => t.runData.logParam(post({ run_id: runId, key: 'optimizer', value: 'adam' })));
    await t.as(alice, () => t.runData.logParam(post({ run_id: runId, key: 'optimizer', value: 'adam' })));
    const err = await failure(t.as(alice, () => t.runData.logParam(post({ run_id: runId, key: 'optimizer', value: 'sgd' }))));
    expect(err).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', httpStatus: 400 });
    expect(err.message).toContain(`Param with key='optimizer' was already logged with value='adam' for run ID='${runId}'`);
    const dup = await failure(
      t.as(alice, () =>
        t.runData.logBatch(
          post({
            run_id: runId,
            params: [
              { key: 'a', value: '1' },
              { key: 'a', value: '2' },
            ],
          }),
        ),
      ),
    );
    expect(dup.httpStatus).toBe(400);
  });

  it('updates, deletes and restores runs; writes to a deleted run are refused', async () => {
    const runId = await createRun();
    const updated = (await t.as(alice, () => t.runs.update(post({ run_id: runId, status: 'FINISHED', end_time: 2000, run_name: 'renamed' })))) as { run_info: Json };
    expect(updated.run_info).toMatchObject({ status: 'FINISHED', end_time: 2000, run_name: 'renamed' });
    expect((await getRun(runId)).data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });

    await t.as(alice, () => t.runs.delete(post({ run_id: runId })));
    expect((await getRun(runId)).info.lifecycle_stage).toBe('deleted');
    const refused = await failure(t.as(alice, () => t.runData.logMetric(post({ run_id: runId, key: 'x', value: 1, timestamp: 1 }))));
    expect(refused).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: `The run ${runId} must be in the 'active' state. Current state is deleted.` });
    await t.as(alice, () => t.runs.delete(post({ run_id: runId })));

    await t.as(alice, () => t.runs.restore(post({ run_id: runId })));
    expect((await getRun(runId)).info.lifecycle_stage).toBe('active');
    await t.as(alice, () => t.runData.setTag(post({ run_id: runId, key: 'k', value: 'v' })));
    await t.as(alice, () => t.runData.deleteTag(post({ run_id: runId, key: 'k' })));
    expect((await failure(t.as(alice, () => t.runData.deleteTag(post({ run_id: runId, key: 'k' }))))).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('answers a stranger exactly as for a missing run, and refuses bad input with 4xx', async () => {
    const runId = await createRun();
    const hidden = await failure(t.as(bob, () => t.runs.get(get({ run_id: runId }))));
    const missing = await failure(t.as(bob, () => t.runs.get(get({ run_id: 'f'.repeat(32) }))));
    expect(hidden).toEqual({ code: 'RESOURCE_DOES_NOT_EXIST', httpStatus: 404, message: `Run with id=${runId} not found` });
    expect(missing).toEqual({ code: 'RESOURCE_DOES_NOT_EXIST', httpStatus: 404, message: `Run with id=${'f'.repeat(32)} not found` });
    expect((await failure(t.as(bob, () => t.runData.logMetric(post({ run_id: runId, key: 'x', value: 1, timestamp: 1 }))))).httpStatus).toBe(404);

    for (const bad of [
      post({ run_id: runId, key: 'x', value: 'abc', timestamp: 1 }),
      post({ run_id: runId, key: 'x', value: 1 }),
      post({ run_id: runId, key: '../x', value: 1, timestamp: 1 }),
      post({ run_id: runId, key: 'x', value: 1, timestamp: -1 }),
    ]) {
      expect((await failure(t.as(alice, () => t.runData.logMetric(bad)))).httpStatus).toBe(400);
    }
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
    expect(await failure(t.as(alice, () => t.runData.logBatch(post({ run_id: runId, metrics: tooMany }))))).toMatchObject({ httpStatus: 400 });
    expect(await failure(t.as(alice, () => t.runData.logBatch(post({ run_id: runId, metrics: 'nope' }))))).toMatchObject({ httpStatus: 400 });
    expect(await failure(t.as(alice, () => t.runs.update(post({ run_id: runId, status: 'DONE' }))))).toMatchObject({ httpStatus: 400 });
    // Bounds the event schemas enforce are 400s at the edge, never a failed append (a 500).
    expect(await failure(t.as(alice, () => t.runs.create(post({ experiment_id: experimentId, user_id: 'u'.repeat(300) }))))).toMatchObject({ httpStatus: 400 });
    expect(await failure(t.as(alice, () => t.runData.logInputs(post({ run_id: runId, models: [{ model_id: '' }] }))))).toMatchObject({ httpStatus: 400 });
    const longSource = { tags: [], dataset: { name: 'n', digest: 'd', source_type: 's'.repeat(300), source: '' } };
    expect(await failure(t.as(alice, () => t.runData.logInputs(post({ run_id: runId, datasets: [longSource] }))))).toMatchObject({ httpStatus: 400 });
  });

  it('records dataset inputs, model inputs and outputs, and the log-model history tag', async () => {
    const runId = await createRun();
    const dataset = { name: 'iris', digest: 'abc123', source_type: 'local', source: '{"uri": "/tmp/iris"}', schema: '{}' };
    const [m1, m2] = await t.as(alice, async () => {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) ids.push(((await t.models.create(post({ experiment_id: experimentId }))) as { model: { info: { model_id: string } } }).model.info.model_id);
      return ids;
    });
    await t.as(alice, () => t.runData.logInputs(post({ run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }], models: [{ model_id: m1 }] })));
    await t.as(alice, () => t.runData.logOutputs(post({ run_id: runId, models: [{ model_id: m2, step: 3 }] })));
    const model = { artifact_path: 'model', flavors: {}, utc_time_created: 'now', run_id: runId };
    await t.as(alice, () => t.runData.logModel(post({ run_id: runId, model_json: JSON.stringify(model) })));
    await t.as(alice, () => t.runData.logModel(post({ run_id: runId, model_json: JSON.stringify({ ...model, artifact_path: 'm2' }) })));
    const run = (await t.as(alice, () => t.runs.get(get({ run_id: runId })))).run as unknown as { inputs: Json; outputs: Json; data: { tags: { key: string; value: string }[] } };
    expect(run.inputs).toEqual({ dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }], model_inputs: [{ model_id: m1 }] });
    expect(run.outputs).toEqual({ model_outputs: [{ model_id: m2, step: 3 }] });
    const history = JSON.parse(run.data.tags.find((x) => x.key === 'mlflow.log-model.history')!.value) as { artifact_path: string }[];
    expect(history.map((h) => h.artifact_path)).toEqual(['model', 'm2']);
    expect((await failure(t.as(alice, () => t.runData.logModel(post({ run_id: runId, model_json: '{"a": 1}' }))))).httpStatus).toBe(400);
  });

  it('cascades experiment delete and restore to its runs', async () => {
    const exp = await t.as(alice, () => t.experimentCommands.create('cascade-exp', undefined, []));
    const ids = await t.as(alice, async () => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) out.push(((await t.runs.create(post({ experiment_id: exp }))) as { run: { info: Json } }).run.info.run_id as string);
      return out;
    });
    await t.as(alice, () => t.runs.delete(post({ run_id: ids[0] })));
    await t.as(alice, () => t.lifecycle.delete(exp));
    const stages = async () => ((await t.ds.query(`SELECT DISTINCT lifecycle_stage FROM runs WHERE experiment_id = $1`, [exp])) as { lifecycle_stage: string }[]).map((r) => r.lifecycle_stage);
    expect(await stages()).toEqual(['deleted']);
    expect(await failure(t.as(alice, () => t.runs.create(post({ experiment_id: exp }))))).toMatchObject({ httpStatus: 400 });
    await t.as(alice, () => t.lifecycle.restore(exp));
    // MLflow's restore_experiment brings back every run, including one deleted on its own before.
    expect(await stages()).toEqual(['active']);
    expect(await t.as(alice, () => t.lifecycle.cascadeRuns(exp, 'restore'))).toBe(0);
  });
});
