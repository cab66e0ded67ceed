import { admin, alice, bob, createTrackingFixture, failure, get, post, TrackingFixture } from '../testing/tracking-fixture';

type SearchResult = { runs: { info: { run_id: string; run_name: string } }[]; next_page_token?: string };

describe('search runs on real PostgreSQL', () => {
  let t: TrackingFixture;
  let exp: string;
  let bobsExp: string;
  const names: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTrackingFixture('tracking_run_search');
    exp = await t.as(alice, () => t.experimentCommands.create('search-exp', undefined, []));
    bobsExp = await t.as(bob, () => t.experimentCommands.create('bobs-exp', undefined, []));
    const spec = [
      { name: 'r1', start: 100, acc: 0.9, lr: '0.1', tag: 'a' },
      { name: 'r2', start: 200, acc: 0.7, lr: '0.01', tag: 'b' },
      { name: 'r3', start: 300, acc: 'NaN', lr: '0.1', tag: 'a' },
      { name: 'r4', start: 400, acc: null, lr: '0.5', tag: 'c' },
      { name: 'r5', start: 500, acc: 0.8, lr: '0.01', tag: 'a' },
    ];
    await t.as(alice, async () => {
      for (const s of spec) {
        const created = (await t.runs.create(post({ experiment_id: exp, run_name: s.name, start_time: s.start, tags: [{ key: 'group', value: s.tag }] }))) as {
          run: { info: { run_id: string } };
        };
        const runId = created.run.info.run_id;
        names[s.name] = runId;
        await t.runData.logBatch(post({ run_id: runId, params: [{ key: 'lr', value: s.lr }], metrics: s.acc === null ? [] : [{ key: 'acc', value: s.acc, timestamp: 1, step: 0 }] }));
      }
      await t.runs.delete(post({ run_id: names.r5 }));
    });
    await t.as(bob, () => t.runs.create(post({ experiment_id: bobsExp, run_name: 'bobs-run' })));
  });
  afterAll(() => t.db.drop());

  const search = (body: Record<string, unknown>, who = alice) => t.as(who, async () => (await t.runs.search(post({ experiment_ids: [exp], ...body }))) as SearchResult);
  const runNames = (r: SearchResult) => r.runs.map((x) => x.info.run_name);

  it('orders by start_time DESC by default and honours view types', async () => {
    expect(runNames(await search({}))).toEqual(['r4', 'r3', 'r2', 'r1']);
    expect(runNames(await search({ run_view_type: 'DELETED_ONLY' }))).toEqual(['r5']);
    expect(runNames(await search({ run_view_type: 3 }))).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect((await failure(search({ run_view_type: 'SOME' }))).httpStatus).toBe(400);
  });

  it('filters by metrics (NaN matches only !=), params, tags and attributes', async () => {
    expect(runNames(await search({ filter: 'metrics.acc > 0.75' }))).toEqual(['r1']);
    expect(runNames(await search({ filter: 'metrics.acc != 0.9' }))).toEqual(['r3', 'r2']);
    expect(runNames(await search({ filter: "params.lr = '0.1' AND tags.group = 'a'" }))).toEqual(['r3', 'r1']);
    expect(runNames(await search({ filter: "attributes.run_name LIKE 'r%' AND attributes.start_time >= 200" }))).toEqual(['r4', 'r3', 'r2']);
    expect(runNames(await search({ filter: `attributes.run_id IN ('${names.r1}', '${names.r2}')` }))).toEqual(['r2', 'r1']);
    expect((await failure(search({ filter: 'metrics.acc >' }))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('filters by dataset name, digest and context', async () => {
    const dataset = { name: 'iris', digest: 'd1', source_type: 'local', source: '{}' };
    await t.as(alice, () => t.runData.logInputs(post({ run_id: names.r2, datasets: [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] }] })));
    expect(runNames(await search({ filter: "datasets.name = 'iris'" }))).toEqual(['r2']);
    expect(runNames(await search({ filter: "datasets.name = 'iris' AND datasets.digest = 'd1' AND datasets.context = 'training'" }))).toEqual(['r2']);
    expect(runNames(await search({ filter: "datasets.context IN ('training', 'eval') AND datasets.name LIKE 'ir%'" }))).toEqual(['r2']);
    expect(runNames(await search({ filter: "datasets.context = 'evaluation'" }))).toEqual([]);
    expect(runNames(await search({ filter: "datasets.digest != 'd1'" }))).toEqual([]);
  });

  it('orders by metrics with NaN and missing values last, by params and attributes', async () => {
    expect(runNames(await search({ order_by: ['metrics.acc DESC'] }))).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(runNames(await search({ order_by: ['metrics.acc ASC'] }))).toEqual(['r2', 'r1', 'r3', 'r4']);
    expect(runNames(await search({ order_by: ['params.lr ASC', 'attributes.start_time ASC'] }))).toEqual(['r2', 'r1', 'r3', 'r4']);
    expect((await failure(search({ order_by: ['metrics.acc', 'metrics.acc DESC'] }))).httpStatus).toBe(400);
  });

  it('pages with tokens to the same set, in the same order', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await search({ max_results: 2, run_view_type: 'ALL', ...(token ? { page_token: token } : {}) });
      expect(page.runs.length).toBeLessThanOrEqual(2);
      seen.push(...runNames(page));
      token = page.next_page_token;
    } while (token);
    expect(seen).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect((await failure(search({ page_token: 'garbage!' }))).httpStatus).toBe(400);
    expect((await failure(search({ max_results: 50001 }))).httpStatus).toBe(400);
  });

  it('keeps only experiments the caller may read, filtered in SQL', async () => {
    const both = { experiment_ids: [exp, bobsExp] };
    expect(runNames(await search(both, alice))).toEqual(['r4', 'r3', 'r2', 'r1']);
    expect(runNames(await search(both, bob))).toEqual(['bobs-run']);
    expect((await search(both, admin)).runs).toHaveLength(5);
    const viaGet = (await t.as(alice, () => t.runs.searchGet(get({ experiment_ids: exp, max_results: '1' })))) as SearchResult;
    expect(runNames(viaGet)).toEqual(['r4']);
    expect(viaGet.next_page_token).toBeDefined();
  });
});
