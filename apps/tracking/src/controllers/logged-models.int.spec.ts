import { alice, bob, createTrackingFixture, failure, post, TrackingFixture } from '../testing/tracking-fixture';
import { Request } from 'express';

type Model = { info: { model_id: string; name: string; status: string; artifact_uri: string; tags: unknown[]; source_run_id?: string }; data: { params: unknown[] } };

const withQuery = (query: Record<string, string>) => ({ method: 'GET', query, body: undefined, headers: {} }) as unknown as Request;

describe('logged models on real PostgreSQL', () => {
  let t: TrackingFixture;
  let exp: string;
  let runId: string;

  beforeAll(async () => {
    t = await createTrackingFixture('tracking_logged_models');
    exp = await t.as(alice, () => t.experimentCommands.create('models-exp', undefined, []));
    runId = await t.as(alice, async () => ((await t.runs.create(post({ experiment_id: exp }))) as { run: { info: { run_id: string } } }).run.info.run_id);
  });
  afterAll(() => t.db.drop());

  const create = (body: Record<string, unknown>) => t.as(alice, async () => ((await t.models.create(post({ experiment_id: exp, ...body }))) as { model: Model }).model);

  it('creates PENDING models under the experiment’s models/ artifact folder and finalizes them', async () => {
    const m = await create({ name: 'clf', model_type: 'sklearn', source_run_id: runId, tags: [{ key: 't', value: '1' }], params: [{ key: 'alpha', value: '0.5' }] });
    expect(m.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(m.info).toMatchObject({
      name: 'clf',
      status: 'LOGGED_MODEL_PENDING',
      source_run_id: runId,
      artifact_uri: `mlflow-artifacts:/${exp}/models/${m.info.model_id}/artifacts`,
      tags: [{ key: 't', value: '1' }],
    });
    expect(m.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    const done = (await t.as(alice, () => t.models.finalize(m.info.model_id, post({ model_id: m.info.model_id, status: 'LOGGED_MODEL_READY' })))) as { model: Model };
    expect(done.model.info.status).toBe('LOGGED_MODEL_READY');
    expect((await failure(t.as(alice, () => t.models.finalize(m.info.model_id, post({ status: 'LOGGED_MODEL_PENDING' }))))).httpStatus).toBe(400);
  });

  it('takes source_run_id as given, as MLflow does: a missing run and a run the caller cannot see alike', async () => {
    const missing = 'f'.repeat(32);
    expect((await create({ name: 'from-nowhere', source_run_id: missing })).info.source_run_id).toBe(missing);
    const bobExp = await t.as(bob, () => t.experimentCommands.create('bob-source', undefined, []));
    const bobRun = await t.as(bob, async () => ((await t.runs.create(post({ experiment_id: bobExp }))) as { run: { info: { run_id: string } } }).run.info.run_id);
    expect((await create({ name: 'from-hidden', source_run_id: bobRun })).info.source_run_id).toBe(bobRun);
  });

  it('sets and deletes tags, logs params write-once, and hides deleted models unless asked', async () => {
    const m = await create({});
    const id = m.info.model_id;
    expect(m.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    await t.as(alice, () =>
      t.models.setTags(
        id,
        post({
          tags: [
            { key: 'a', value: '1' },
            { key: 'a', value: '2' },
            { key: 'b', value: '3' },
          ],
        }),
      ),
    );
    await t.as(alice, () => t.models.deleteTag(id, 'b'));
    await t.as(alice, () => t.models.logParams(id, post({ params: [{ key: 'p', value: 'x' }] })));
    expect((await failure(t.as(alice, () => t.models.logParams(id, post({ params: [{ key: 'p', value: 'y' }] }))))).httpStatus).toBe(400);
    const got = ((await t.as(alice, () => t.models.get(id, withQuery({})))) as { model: Model }).model;
    expect(got.info.tags).toEqual([{ key: 'a', value: '2' }]);
    expect(got.data.params).toEqual([{ key: 'p', value: 'x' }]);

    await t.as(alice, () => t.models.delete(id));
    expect(await failure(t.as(alice, () => t.models.get(id, withQuery({}))))).toMatchObject({ httpStatus: 404, message: `Logged model with ID '${id}' not found.` });
    expect(((await t.as(alice, () => t.models.get(id, withQuery({ allow_deleted: 'true' })))) as { model: Model }).model.info.model_id).toBe(id);
    expect((await failure(t.as(alice, () => t.models.setTags(id, post({ tags: [{ key: 'a', value: '3' }] }))))).httpStatus).toBe(404);
    expect((await failure(t.as(bob, () => t.models.get(id, withQuery({ allow_deleted: 'true' }))))).httpStatus).toBe(404);
  });

  it('links metrics logged with a model_id to the model, for reading, filtering and ordering', async () => {
    const a = await create({ name: 'metric-a' });
    const b = await create({ name: 'metric-b' });
    await t.as(alice, () => t.runData.logMetric(post({ run_id: runId, key: 'acc', value: 0.3, timestamp: 5, step: 1, model_id: a.info.model_id })));
    await t.as(alice, () =>
      t.runData.logBatch(post({ run_id: runId, metrics: [{ key: 'acc', value: 0.9, timestamp: 6, step: 2, model_id: b.info.model_id, dataset_name: 'iris', dataset_digest: 'd1' }] })),
    );
    const got = ((await t.as(alice, () => t.models.get(b.info.model_id, withQuery({})))) as { model: Model & { data: { metrics: unknown[] } } }).model;
    expect(got.data.metrics).toEqual([{ key: 'acc', value: 0.9, timestamp: 6, step: 2, run_id: runId, model_id: b.info.model_id, dataset_name: 'iris', dataset_digest: 'd1' }]);
    const search = async (body: Record<string, unknown>) =>
      ((await t.as(alice, () => t.models.search(post({ experiment_ids: [exp], ...body })))) as { models: Model[] }).models.map((m) => m.info.name).filter((n) => n.startsWith('metric-'));
    expect(await search({ filter: 'metrics.acc > 0.5' })).toEqual(['metric-b']);
    expect(await search({ filter: 'metrics.acc > 0.1', datasets: [{ dataset_name: 'iris' }] })).toEqual(['metric-b']);
    // Datasets alone keep the models with some metric on them (MLflow's store), digest included when given.
    expect(await search({ datasets: [{ dataset_name: 'iris' }] })).toEqual(['metric-b']);
    expect(await search({ datasets: [{ dataset_name: 'iris', dataset_digest: 'd1' }] })).toEqual(['metric-b']);
    expect(await search({ datasets: [{ dataset_name: 'iris', dataset_digest: 'other' }] })).toEqual([]);
    expect(await search({ order_by: [{ field_name: 'metrics.acc', ascending: true }] })).toEqual(['metric-a', 'metric-b']);
    expect(await search({ order_by: [{ field_name: 'metrics.acc', ascending: false }] })).toEqual(['metric-b', 'metric-a']);
  });

  it('links a run’s data only to models the caller may write; another’s model looks missing', async () => {
    const model = (await create({ name: 'alice-private' })).info.model_id;
    const bobExp = await t.as(bob, () => t.experimentCommands.create('bob-own', undefined, []));
    const bobRun = await t.as(bob, async () => ((await t.runs.create(post({ experiment_id: bobExp }))) as { run: { info: { run_id: string } } }).run.info.run_id);
    const links = (modelId: string) => [
      () => t.runData.logMetric(post({ run_id: bobRun, key: 'acc', value: 1, timestamp: 1, model_id: modelId })),
      () => t.runData.logBatch(post({ run_id: bobRun, metrics: [{ key: 'acc', value: 1, timestamp: 1, model_id: modelId }] })),
      () => t.runData.logInputs(post({ run_id: bobRun, models: [{ model_id: modelId }] })),
      () => t.runData.logOutputs(post({ run_id: bobRun, models: [{ model_id: modelId, step: 0 }] })),
    ];
    const grant = (permission: 'READ' | 'EDIT') => [{ subject: { kind: 'principal' as const, id: bob.id }, resourceType: 'experiment' as const, resourcePattern: exp, permission }];
    const absent = `m-${'0'.repeat(32)}`;
    for (const [i, link] of links(model).entries()) {
      const hidden = await failure(t.as(bob, link));
      const missing = await failure(t.as(bob, links(absent)[i]));
      expect(hidden).toEqual({ ...missing, message: missing.message.replace(absent, model) });
      expect(hidden).toMatchObject({ httpStatus: 404, code: 'RESOURCE_DOES_NOT_EXIST' });
      expect(await failure(t.as(bob, link, grant('READ')))).toMatchObject({ httpStatus: 403, code: 'PERMISSION_DENIED' });
      await t.as(bob, link, grant('EDIT'));
    }
    const got = ((await t.as(alice, () => t.models.get(model, withQuery({})))) as { model: Model & { data: { metrics: { run_id: string }[] } } }).model;
    expect(got.data.metrics.map((m) => m.run_id)).toEqual([bobRun]);
  });

  it('links no new run data to a deleted model', async () => {
    const model = (await create({ name: 'retired' })).info.model_id;
    await t.as(alice, () => t.models.delete(model));
    for (const link of [
      () => t.runData.logMetric(post({ run_id: runId, key: 'acc', value: 1, timestamp: 1, model_id: model })),
      () => t.runData.logInputs(post({ run_id: runId, models: [{ model_id: model }] })),
      () => t.runData.logOutputs(post({ run_id: runId, models: [{ model_id: model, step: 0 }] })),
    ]) {
      expect(await failure(t.as(alice, link))).toMatchObject({ httpStatus: 404, code: 'RESOURCE_DOES_NOT_EXIST', message: `Logged model with ID '${model}' not found.` });
    }
  });

  it('searches with filters, ordering and pages, within readable experiments only', async () => {
    const e2 = await t.as(alice, () => t.experimentCommands.create('models-search', undefined, []));
    const make = (name: string, type: string) =>
      t.as(alice, async () => {
        // Distinct creation times, so the default newest-first order is fully determined.
        await new Promise((r) => setTimeout(r, 5));
        return ((await t.models.create(post({ experiment_id: e2, name, model_type: type, params: [{ key: 'k', value: type }] }))) as { model: Model }).model;
      });
    const a = await make('alpha', 'x');
    await make('beta', 'y');
    await make('gamma', 'x');
    await t.as(alice, () => t.models.finalize(a.info.model_id, post({ status: 2 })));
    const search = (body: Record<string, unknown>, who = alice) =>
      t.as(who, async () => (await t.models.search(post({ experiment_ids: [e2], ...body }))) as { models: Model[]; next_page_token?: string });
    const names = (r: { models: Model[] }) => r.models.map((m) => m.info.name);

    expect(names(await search({}))).toEqual(['gamma', 'beta', 'alpha']);
    expect(names(await search({ filter: "params.k = 'x'", order_by: [{ field_name: 'name', ascending: true }] }))).toEqual(['alpha', 'gamma']);
    expect(names(await search({ filter: "status = 'READY'" }))).toEqual(['alpha']);
    expect(names(await search({ filter: "name IN ('beta', 'gamma') AND model_type != 'x'" }))).toEqual(['beta']);
    const first = await search({ max_results: 2 });
    expect(names(first)).toEqual(['gamma', 'beta']);
    expect(names(await search({ max_results: 2, page_token: first.next_page_token }))).toEqual(['alpha']);
    expect((await search({}, bob)).models).toEqual([]);
    expect(names(await search({ filter: 'creation_timestamp > 1.5' }))).toEqual(['gamma', 'beta', 'alpha']);
    expect((await failure(search({ filter: 'name >' }))).httpStatus).toBe(400);
    expect(await failure(t.as(alice, () => t.models.create(post({ experiment_id: e2, name: 'n'.repeat(501) }))))).toMatchObject({ httpStatus: 400 });
    expect((await failure(search({ order_by: [{ field_name: 'nope' }] }))).httpStatus).toBe(400);
  });
});
