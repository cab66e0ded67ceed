import { decodeMetricValue, encodeMetricValue, MetricPoint, toMetricSeries } from '@custos/events';
import { specFor } from './decider.spec-helper';
import { makeRunDecider, RunCommand, runDecider, RunEvent } from './run.decider';

const spec = specFor(runDecider);
const runId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

const createCommand: Extract<RunCommand, { type: 'CreateRun' }> = {
  type: 'CreateRun',
  runId,
  experimentId: '1',
  experimentStage: 'active',
  artifactUri: `mlflow-artifacts:/1/${runId}/artifacts`,
  userId: 'alice',
  startTime: 1000,
  runName: null,
  generatedRunName: 'brave-owl-42',
  tags: [],
};

const created: RunEvent = {
  type: 'tracking.RunCreated',
  data: {
    runId,
    experimentId: '1',
    runName: 'brave-owl-42',
    userId: 'alice',
    startTime: 1000,
    status: 'RUNNING',
    artifactUri: `mlflow-artifacts:/1/${runId}/artifacts`,
    tags: [{ key: 'mlflow.runName', value: 'brave-owl-42' }],
  },
};
const deleted: RunEvent = { type: 'tracking.RunDeleted', data: { runId } };
type LoggedData = Extract<RunEvent, { type: 'tracking.RunDataLogged' }>['data'];
/** The event as the decider should emit it, with metrics given point by point for readability. */
const logged = ({ metrics = [], ...data }: Partial<Omit<LoggedData, 'metrics'>> & { metrics?: MetricPoint[] }): RunEvent => ({
  type: 'tracking.RunDataLogged',
  data: { runId, metrics: toMetricSeries(metrics), params: [], tags: [], ...data },
});
const logData = (data: Partial<Omit<Extract<RunCommand, { type: 'LogRunData' }>, 'type' | 'runId'>>): RunCommand => ({
  type: 'LogRunData',
  runId,
  metrics: [],
  params: [],
  tags: [],
  ...data,
});
const renamedTo = (runName: string): RunEvent => ({ type: 'tracking.RunUpdated', data: { runId, status: 'RUNNING', endTime: null, runName } });

describe('run decider', () => {
  describe('create', () => {
    it('starts RUNNING under the generated name and records it as the mlflow.runName tag', () => {
      spec.given().when(createCommand).then([created]);
    });

    it('takes the requested name, or the mlflow.runName tag when no name is given', () => {
      const [byName] = spec
        .given()
        .when({ ...createCommand, runName: 'mine' })
        .then([expect.anything() as unknown as RunEvent]);
      expect(byName.data).toMatchObject({ runName: 'mine', tags: [{ key: 'mlflow.runName', value: 'mine' }] });
      const [byTag] = spec
        .given()
        .when({
          ...createCommand,
          tags: [
            { key: 'mlflow.runName', value: 'tagged' },
            { key: 'team', value: 'ml' },
          ],
        })
        .then([expect.anything() as unknown as RunEvent]);
      expect(byTag.data).toMatchObject({
        runName: 'tagged',
        tags: [
          { key: 'team', value: 'ml' },
          { key: 'mlflow.runName', value: 'tagged' },
        ],
      });
    });

    it('refuses a run name that disagrees with the mlflow.runName tag', () => {
      spec
        .given()
        .when({ ...createCommand, runName: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] })
        .thenError('INVALID_PARAMETER_VALUE', "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b').");
    });

    it('refuses a run in a deleted experiment, a duplicate run and bad input', () => {
      spec
        .given()
        .when({ ...createCommand, experimentStage: 'deleted' })
        .thenError('INVALID_PARAMETER_VALUE', "The experiment 1 must be in the 'active' state");
      spec.given(created).when(createCommand).thenError('RESOURCE_ALREADY_EXISTS');
      spec
        .given()
        .when({ ...createCommand, startTime: -1 })
        .thenError('INVALID_PARAMETER_VALUE', /start_time/);
      spec
        .given()
        .when({ ...createCommand, runId: 'bad id!' })
        .thenError('INVALID_PARAMETER_VALUE', /run_id/);
      spec
        .given()
        .when({ ...createCommand, runName: 'n'.repeat(251) })
        .thenError('INVALID_PARAMETER_VALUE', "'run_name' exceeds the maximum length of 250 characters");
    });
  });

  describe('update', () => {
    it('sets status and end time', () => {
      spec
        .given(created)
        .when({ type: 'UpdateRun', runId, status: 'FINISHED', endTime: 2000, runName: null })
        .then([{ type: 'tracking.RunUpdated', data: { runId, status: 'FINISHED', endTime: 2000, runName: 'brave-owl-42' } }]);
    });

    it('renames, which also moves the mlflow.runName tag', () => {
      spec
        .given(created)
        .when({ type: 'UpdateRun', runId, status: null, endTime: null, runName: 'new-name' })
        .then([renamedTo('new-name')]);
      const state = spec.fold([created, renamedTo('new-name')]);
      expect(state).toMatchObject({ runName: 'new-name', tagKeys: { 'mlflow.runName': true } });
    });

    it('records nothing when nothing changes', () => {
      spec.given(created).when({ type: 'UpdateRun', runId, status: 'RUNNING', endTime: null, runName: '' }).thenNothing();
    });

    it('refuses updates to a deleted or unknown run', () => {
      spec
        .given(created, deleted)
        .when({ type: 'UpdateRun', runId, status: 'FINISHED', endTime: null, runName: null })
        .thenError('INVALID_PARAMETER_VALUE', `The run ${runId} must be in the 'active' state. Current state is deleted.`);
      spec.given().when({ type: 'UpdateRun', runId, status: 'FINISHED', endTime: null, runName: null }).thenError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
    });
  });

  describe('delete and restore', () => {
    it('deletes and restores, and repeating either records nothing', () => {
      spec.given(created).when({ type: 'DeleteRun', runId }).then([deleted]);
      spec.given(created, deleted).when({ type: 'DeleteRun', runId }).thenNothing();
      spec
        .given(created, deleted)
        .when({ type: 'RestoreRun', runId })
        .then([{ type: 'tracking.RunRestored', data: { runId } }]);
      spec.given(created).when({ type: 'RestoreRun', runId }).thenNothing();
      spec.given().when({ type: 'DeleteRun', runId }).thenError('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('log data', () => {
    it('logs metrics, params and tags as one event, encoding NaN and infinities', () => {
      spec
        .given(created)
        .when(
          logData({
            metrics: [
              { key: 'loss', value: 0.5, timestamp: 10, step: 0 },
              { key: 'loss', value: NaN, timestamp: 11, step: 1 },
              { key: 'grad', value: Infinity, timestamp: 11, step: 1 },
              { key: 'logp', value: -Infinity, timestamp: 11, step: 1 },
            ],
            params: [{ key: 'lr', value: '0.1' }],
            tags: [{ key: 'stage', value: 'train' }],
          }),
        )
        .then([
          {
            type: 'tracking.RunDataLogged',
            data: {
              runId,
              metrics: [
                { key: 'loss', steps: [0, 1], timestamps: [10, 11], values: [0.5, 'NaN'] },
                { key: 'grad', steps: [1], timestamps: [11], values: ['Infinity'] },
                { key: 'logp', steps: [1], timestamps: [11], values: ['-Infinity'] },
              ],
              params: [{ key: 'lr', value: '0.1' }],
              tags: [{ key: 'stage', value: 'train' }],
            },
          },
        ]);
    });

    it('drops a repeated point that comes after the steps stopped growing, and keeps one with another value', () => {
      spec
        .given(created)
        .when(
          logData({
            metrics: [0, 1, 2, 1, 1, 3, 2].map((step, i) => ({ key: 'm', value: i === 4 ? 9 : step, timestamp: 5, step })),
          }),
        )
        .then([logged({ metrics: [0, 1, 2, 1, 3].map((step, i) => ({ key: 'm', value: i === 3 ? 9 : step, timestamp: 5, step })) })]);
    });

    it("passes a metric's logged-model and dataset links through, keeping differently linked points apart", () => {
      const linked = { key: 'acc', value: 0.9, timestamp: 10, step: 1, modelId: 'm-1', datasetName: 'iris', datasetDigest: 'abc' };
      spec
        .given(created)
        .when(logData({ metrics: [linked, { ...linked, modelId: 'm-2', datasetName: undefined, datasetDigest: undefined }, linked] }))
        .then([logged({ metrics: [linked, { key: 'acc', value: 0.9, timestamp: 10, step: 1, modelId: 'm-2' }] })]);
    });

    it('treats params as write-once: the same value again is a no-op, a new value is refused', () => {
      const withLr = [created, logged({ params: [{ key: 'lr', value: '0.1' }] })];
      spec
        .given(...withLr)
        .when(logData({ params: [{ key: 'lr', value: '0.1' }] }))
        .thenNothing();
      spec
        .given(...withLr)
        .when(logData({ params: [{ key: 'lr', value: '0.2' }] }))
        .thenError(
          'INVALID_PARAMETER_VALUE',
          `Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${runId}'. Attempted logging new value '0.2'.`,
        );
      spec
        .given(
          created,
          logged({
            params: [
              { key: 'a', value: '1' },
              { key: 'b', value: '1' },
            ],
          }),
        )
        .when(
          logData({
            params: [
              { key: 'a', value: '2' },
              { key: 'b', value: '2' },
            ],
          }),
        )
        .thenError('INVALID_PARAMETER_VALUE', /^Changing param values is not allowed. Params were already logged=/);
      spec
        .given(...withLr)
        .when(
          logData({
            params: [
              { key: 'lr', value: '0.1' },
              { key: 'epochs', value: '3' },
            ],
          }),
        )
        .then([logged({ params: [{ key: 'epochs', value: '3' }] })]);
    });

    it('refuses the same param key twice in one batch', () => {
      spec
        .given(created)
        .when(
          logData({
            params: [
              { key: 'a', value: '1' },
              { key: 'a', value: '1' },
            ],
          }),
        )
        .thenError('INVALID_PARAMETER_VALUE', 'Duplicate parameter keys have been submitted: ["a"]');
    });

    it('lets the last value win for a tag given twice, and drops identical metric points', () => {
      spec
        .given(created)
        .when(
          logData({
            metrics: [
              { key: 'm', value: 1, timestamp: 1, step: 0 },
              { key: 'm', value: 1, timestamp: 1, step: 0 },
            ],
            tags: [
              { key: 't', value: '1' },
              { key: 'u', value: 'x' },
              { key: 't', value: '2' },
            ],
          }),
        )
        .then([
          logged({
            metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
            tags: [
              { key: 't', value: '2' },
              { key: 'u', value: 'x' },
            ],
          }),
        ]);
    });

    it('tells points apart by value (NaN and infinities included) and by their model and dataset links', () => {
      const linked = { key: 'm', value: 1, timestamp: 1, step: 0, modelId: 'm-1', datasetName: 'eval', datasetDigest: 'd1' };
      spec
        .given(created)
        .when(
          logData({
            metrics: [
              { key: 'm', value: NaN, timestamp: 1, step: 0 },
              { key: 'm', value: Infinity, timestamp: 1, step: 0 },
              { key: 'm', value: NaN, timestamp: 1, step: 0 },
              { key: 'm', value: 1, timestamp: 1, step: 0 },
              { key: 'm', value: Infinity, timestamp: 1, step: 0 },
              { key: 'm', value: 1, timestamp: 2, step: 0 },
              { key: 'm', value: 1, timestamp: 1, step: 1 },
              linked,
              { ...linked },
              { ...linked, datasetName: 'train' },
            ],
          }),
        )
        .then([
          logged({
            metrics: [
              { key: 'm', value: 'NaN', timestamp: 1, step: 0 },
              { key: 'm', value: 'Infinity', timestamp: 1, step: 0 },
              { key: 'm', value: 1, timestamp: 1, step: 0 },
              { key: 'm', value: 1, timestamp: 2, step: 0 },
              { key: 'm', value: 1, timestamp: 1, step: 1 },
              linked,
              { ...linked, datasetName: 'train' },
            ],
          }),
        ]);
    });

    it('keeps the run name in step with the mlflow.runName tag, ignoring an empty one', () => {
      spec
        .given(created)
        .when(logData({ tags: [{ key: 'mlflow.runName', value: 'renamed' }] }))
        .then([logged({ tags: [{ key: 'mlflow.runName', value: 'renamed' }] }), renamedTo('renamed')]);
      spec
        .given(created)
        .when(logData({ tags: [{ key: 'mlflow.runName', value: '' }] }))
        .thenNothing();
      spec
        .given(created)
        .when(logData({ tags: [{ key: 'mlflow.runName', value: 'brave-owl-42' }] }))
        .then([logged({ tags: [{ key: 'mlflow.runName', value: 'brave-owl-42' }] })]);
    });

    it.each([
      ['1001 metrics', { metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 0, step: i })) }, 'at most 1000 metrics'],
      ['101 params', { params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) }, 'at most 100 params'],
      ['101 tags', { tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })) }, 'at most 100 tags'],
      [
        '1001 entities in total',
        {
          metrics: Array.from({ length: 901 }, (_, i) => ({ key: 'm', value: i, timestamp: 0, step: i })),
          params: Array.from({ length: 50 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
          tags: Array.from({ length: 50 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
        },
        'at most 1000 metrics, params, and tags. Got 1001',
      ],
      ['a metric name with a bad character', { metrics: [{ key: 'a*b', value: 1, timestamp: 0, step: 0 }] }, `parameter 'metrics[0].name'`],
      ['a metric name that walks up', { metrics: [{ key: '../m', value: 1, timestamp: 0, step: 0 }] }, /resolve to other names/],
      ['a negative timestamp', { metrics: [{ key: 'm', value: 1, timestamp: -5, step: 0 }] }, `parameter 'metrics[0].timestamp'`],
      ['a fractional step', { metrics: [{ key: 'm', value: 1, timestamp: 0, step: 0.5 }] }, `parameter 'metrics[0].step'`],
      ['a tag key with a leading slash', { tags: [{ key: '/abs', value: 'v' }] }, /resolve to other names/],
    ])('refuses %s', (_label, data, message) => {
      spec.given(created).when(logData(data)).thenError('INVALID_PARAMETER_VALUE', message);
    });

    it('truncates over-long param and tag values by default, and refuses them when told to', () => {
      const [event] = spec
        .given(created)
        .when(logData({ params: [{ key: 'p', value: 'x'.repeat(6001) }], tags: [{ key: 't', value: 'y'.repeat(8001) }] }))
        .then([expect.anything() as unknown as RunEvent]);
      expect(event.type === 'tracking.RunDataLogged' && event.data.params[0].value.length).toBe(6000);
      expect(event.type === 'tracking.RunDataLogged' && event.data.tags[0].value.length).toBe(8000);
      specFor(makeRunDecider({ truncateLongValues: false }))
        .given(created)
        .when(logData({ params: [{ key: 'p', value: 'x'.repeat(6001) }] }))
        .thenError('INVALID_PARAMETER_VALUE', "'Param value' exceeds the maximum length of 6000 characters");
    });

    it('refuses writes to a deleted run', () => {
      spec
        .given(created, deleted)
        .when(logData({ metrics: [{ key: 'm', value: 1, timestamp: 0, step: 0 }] }))
        .thenError('INVALID_PARAMETER_VALUE', /must be in the 'active' state/);
    });
  });

  describe('tags', () => {
    it('deletes a tag that exists and refuses one that does not', () => {
      spec
        .given(created, logged({ tags: [{ key: 't', value: 'v' }] }))
        .when({ type: 'DeleteRunTag', runId, key: 't' })
        .then([{ type: 'tracking.RunTagDeleted', data: { runId, key: 't' } }]);
      spec.given(created).when({ type: 'DeleteRunTag', runId, key: 't' }).thenError('RESOURCE_DOES_NOT_EXIST', `No tag with name: t in run with id ${runId}`);
      spec.given(created, deleted).when({ type: 'DeleteRunTag', runId, key: 'mlflow.runName' }).thenError('INVALID_PARAMETER_VALUE');
    });
  });

  describe('inputs and outputs', () => {
    const dataset = { name: 'iris', digest: 'abc', sourceType: 'local', source: '{}', schema: null, profile: null, tags: [{ key: 'mlflow.data.context', value: 'train' }] };

    it('logs datasets once per (name, digest) and model inputs', () => {
      spec
        .given(created)
        .when({ type: 'LogRunInputs', runId, datasets: [dataset, { ...dataset, source: 'other' }], models: [{ modelId: 'm-1' }] })
        .then([{ type: 'tracking.RunInputsLogged', data: { runId, datasets: [dataset], models: [{ modelId: 'm-1' }] } }]);
      spec.given(created).when({ type: 'LogRunInputs', runId, datasets: [], models: [] }).thenNothing();
    });

    it('refuses an over-long digest', () => {
      spec
        .given(created)
        .when({ type: 'LogRunInputs', runId, datasets: [{ ...dataset, digest: 'd'.repeat(37) }], models: [] })
        .thenError('INVALID_PARAMETER_VALUE', "'digest' exceeds");
    });

    it('logs model outputs', () => {
      spec
        .given(created)
        .when({ type: 'LogRunOutputs', runId, models: [{ modelId: 'm-1', step: 3 }] })
        .then([{ type: 'tracking.RunOutputsLogged', data: { runId, models: [{ modelId: 'm-1', step: 3 }] } }]);
      spec
        .given(created, deleted)
        .when({ type: 'LogRunOutputs', runId, models: [{ modelId: 'm-1', step: 3 }] })
        .thenError('INVALID_PARAMETER_VALUE');
    });
  });

  it('keeps params and tag keys in state but no metric history', () => {
    const state = spec.fold([
      created,
      logged({ metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 1 }], params: [{ key: '__proto__', value: 'p' }], tags: [{ key: 't', value: 'v' }] }),
      { type: 'tracking.RunTagDeleted', data: { runId, key: 't' } },
      { type: 'tracking.RunInputsLogged', data: { runId, datasets: [], models: [{ modelId: 'm-1' }] } },
    ]);
    expect(state).toEqual({
      status: 'active',
      runId,
      experimentId: '1',
      runStatus: 'RUNNING',
      endTime: null,
      runName: 'brave-owl-42',
      params: JSON.parse('{"__proto__":"p"}') as Record<string, string>,
      tagKeys: { 'mlflow.runName': true },
    });
    expect(JSON.stringify(state)).not.toContain('loss');
    expect(state.status === 'active' && Object.hasOwn(state.params, '__proto__')).toBe(true);
  });

  it('carries non-finite metric values through JSON and back', () => {
    for (const v of [NaN, Infinity, -Infinity, 0, -0.5, 1e308]) {
      expect(decodeMetricValue(JSON.parse(JSON.stringify(encodeMetricValue(v))) as ReturnType<typeof encodeMetricValue>)).toBe(v);
    }
  });
});
