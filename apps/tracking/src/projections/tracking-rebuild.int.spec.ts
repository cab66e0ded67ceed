import { rebuildProjections } from '@custos/eventing';
import { alice, bob, createTrackingFixture, post, TrackingFixture } from '../testing/tracking-fixture';

/** Every read-model table as sorted JSON text rows (json, not jsonb: NaN and ±Infinity survive). */
async function dump(t: TrackingFixture): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of t.projection.tables) {
    const rows = (await t.ds.query(`SELECT row_to_json(x)::text AS r FROM "${table}" x ORDER BY 1`)) as { r: string }[];
    out[table] = rows.map((row) => row.r);
  }
  return out;
}

describe('tracking projection rebuild', () => {
  let t: TrackingFixture;
  beforeAll(async () => {
    t = await createTrackingFixture('tracking_rebuild');
  });
  afterAll(() => t.db.drop());

  it('replaying the store twice gives exactly the read models the inline projection built', async () => {
    await t.as(alice, async () => {
      const exp = await t.experimentCommands.create('rebuild-exp', undefined, [{ key: 'k', value: 'v' }]);
      const runIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const created = (await t.runs.create(post({ experiment_id: exp, run_name: `run-${i}`, tags: [{ key: 'i', value: String(i) }] }))) as { run: { info: { run_id: string } } };
        runIds.push(created.run.info.run_id);
      }
      const [a, b, c] = runIds;
      const metrics = Array.from({ length: 300 }, (_, s) => ({ key: s % 2 ? 'odd' : 'even', value: s % 7 === 0 ? 'NaN' : s / 3, timestamp: 1000 + (s % 5), step: s % 11 }));
      await t.runData.logBatch(post({ run_id: a, metrics, params: [{ key: 'p', value: '1' }], tags: [{ key: 'mlflow.runName', value: 'renamed-a' }] }));
      // Equal (step, timestamp, value) points: the first logged stays latest, on replay too.
      await t.runData.logBatch(
        post({
          run_id: b,
          metrics: [
            { key: 'tie', value: 0, timestamp: 5, step: 1 },
            { key: 'tie', value: 'NaN', timestamp: 5, step: 1 },
          ],
        }),
      );
      await t.runData.logMetric(post({ run_id: b, key: 'inf', value: 'Infinity', timestamp: 1 }));
      await t.runs.update(post({ run_id: b, status: 'FAILED', end_time: 1234 }));
      await t.runData.setTag(post({ run_id: c, key: 'gone', value: 'x' }));
      await t.runData.deleteTag(post({ run_id: c, key: 'gone' }));
      const model = (await t.models.create(post({ experiment_id: exp, name: 'm', tags: [{ key: 't', value: '1' }], params: [{ key: 'p', value: '1' }] }))) as {
        model: { info: { model_id: string } };
      };
      const id = model.model.info.model_id;
      await t.runData.logInputs(post({ run_id: c, datasets: [{ tags: [], dataset: { name: 'd', digest: '1', source_type: 'local', source: 's' } }], models: [{ model_id: id }] }));
      await t.runData.logOutputs(post({ run_id: c, models: [{ model_id: id, step: 2 }] }));
      await t.runs.delete(post({ run_id: c }));
      await t.models.finalize(id, post({ status: 'LOGGED_MODEL_READY' }));
      await t.models.setTags(id, post({ tags: [{ key: 'u', value: '2' }] }));
      await t.models.deleteTag(id, 't');
      await t.models.logParams(id, post({ params: [{ key: 'q', value: '2' }] }));
      const other = (await t.models.create(post({ experiment_id: exp }))) as { model: { info: { model_id: string } } };
      await t.models.delete(other.model.info.model_id);
      await t.lifecycle.delete(exp);
      await t.lifecycle.restore(exp);
    });
    await t.as(bob, () => t.experimentCommands.create('bobs', undefined, []));

    await t.catchUp.whenIdle();
    const inline = await dump(t);
    // One history row per key per batch: a's two keys, b's tie (two points) and inf.
    expect(inline.run_metric_batches).toHaveLength(4);
    expect(inline.logged_models).toHaveLength(2);

    await rebuildProjections(t.ds, t.store, [t.projection]);
    const first = await dump(t);
    await rebuildProjections(t.ds, t.store, [t.projection]);
    const second = await dump(t);
    expect(first).toEqual(inline);
    expect(second).toEqual(first);
  });
});
