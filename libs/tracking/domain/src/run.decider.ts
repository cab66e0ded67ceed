import {
  emptySeries,
  EncodedMetricValue,
  encodeMetricValue,
  MetricSeries,
  RunCreated,
  RunDataLogged,
  RunDeleted,
  RunInputsLogged,
  RunOutputsLogged,
  RunRestored,
  RunStatus,
  RunTagDeleted,
  RunUpdated,
  seriesIdentity,
} from '@custos/events';
import { DomainEvent } from './domain-event';
import { TrackingError } from './errors';
import { exhaustive } from './exhaustive';
import { hasKey, KeyMap, valueOf, withEntries, withoutKey } from './key-map';
import {
  DatasetInputData,
  KeyValue,
  MetricInput,
  MLFLOW_RUN_NAME_TAG,
  validateBatchLogLimits,
  validateDatasetInputs,
  validateMetric,
  validateParam,
  validateParamKeysUnique,
  validateRunId,
  validateRunName,
  validateTag,
  ValueLimitOptions,
} from './validation';

/**
 * The run stream, with MLflow's semantics: params are write-once (the same value again is a no-op,
 * a different one is refused), tags are last-write-wins, metrics append. The state keeps only what
 * `decide` needs: lifecycle, status, name, param values and tag keys, never metric history.
 * Cross-stream facts (is the experiment active? which artifact URI?) arrive inside the command.
 */

export type RunCommand =
  | {
      type: 'CreateRun';
      runId: string;
      experimentId: string;
      experimentStage: 'active' | 'deleted';
      artifactUri: string;
      userId: string;
      startTime: number;
      /** The requested name, if any; `generatedRunName` (random, chosen by the caller) is used otherwise. */
      runName: string | null;
      generatedRunName: string;
      tags: KeyValue[];
    }
  | { type: 'UpdateRun'; runId: string; status: RunStatus | null; endTime: number | null; runName: string | null }
  | { type: 'DeleteRun'; runId: string }
  | { type: 'RestoreRun'; runId: string }
  | { type: 'LogRunData'; runId: string; metrics: MetricInput[]; params: KeyValue[]; tags: KeyValue[] }
  | { type: 'DeleteRunTag'; runId: string; key: string }
  | { type: 'LogRunInputs'; runId: string; datasets: DatasetInputData[]; models: { modelId: string }[] }
  | { type: 'LogRunOutputs'; runId: string; models: { modelId: string; step: number }[] };

export type RunEvent =
  | DomainEvent<'tracking.RunCreated', typeof RunCreated>
  | DomainEvent<'tracking.RunUpdated', typeof RunUpdated>
  | DomainEvent<'tracking.RunDeleted', typeof RunDeleted>
  | DomainEvent<'tracking.RunRestored', typeof RunRestored>
  | DomainEvent<'tracking.RunDataLogged', typeof RunDataLogged>
  | DomainEvent<'tracking.RunTagDeleted', typeof RunTagDeleted>
  | DomainEvent<'tracking.RunInputsLogged', typeof RunInputsLogged>
  | DomainEvent<'tracking.RunOutputsLogged', typeof RunOutputsLogged>;

interface RunFacts {
  runId: string;
  experimentId: string;
  runStatus: RunStatus;
  endTime: number | null;
  runName: string;
  params: KeyMap<string>;
  tagKeys: KeyMap<true>;
}

export type RunState = { status: 'absent' } | ({ status: 'active' } & RunFacts) | ({ status: 'deleted' } & RunFacts);
type ExistingRun = Exclude<RunState, { status: 'absent' }>;
type Command<T extends RunCommand['type']> = Extract<RunCommand, { type: T }>;

function existing(state: RunState, runId: string): ExistingRun {
  if (state.status === 'absent') throw TrackingError.notFound(`Run with id=${runId} not found`);
  return state;
}

/** MLflow's `_check_run_is_active`: writes to a deleted run are a bad parameter, not a bad state. */
function active(state: RunState, runId: string): ExistingRun {
  const run = existing(state, runId);
  if (run.status === 'deleted') {
    throw TrackingError.invalidParameter(`The run ${runId} must be in the 'active' state. Current state is deleted.`);
  }
  return run;
}

/** Last value wins for a key given twice, at the position the key first appeared. */
function lastWins(tags: readonly KeyValue[]): KeyValue[] {
  return [...new Map(tags.map((t) => [t.key, t.value])).entries()].map(([key, value]) => ({ key, value }));
}

function checkTime(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw TrackingError.invalidParameter(`Invalid value ${value} for parameter '${name}' supplied: must be a nonnegative long (64-bit integer)`);
  }
}

function create(c: Command<'CreateRun'>, state: RunState, options: ValueLimitOptions): RunEvent[] {
  validateRunId(c.runId);
  checkTime('start_time', c.startTime);
  const tags = lastWins(c.tags.map((t, i) => ({ key: t.key, value: validateTag(t, `tags[${i}]`, options) })));
  const nameTag = tags.find((t) => t.key === MLFLOW_RUN_NAME_TAG)?.value || null;
  if (c.runName && nameTag && c.runName !== nameTag) {
    throw TrackingError.invalidParameter(`Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${c.runName}', mlflow.runName='${nameTag}').`);
  }
  const runName = c.runName || nameTag || c.generatedRunName;
  validateRunName(runName);
  if (c.experimentStage !== 'active') {
    throw TrackingError.invalidParameter(`The experiment ${c.experimentId} must be in the 'active' state. Current state is deleted.`);
  }
  if (state.status !== 'absent') throw TrackingError.alreadyExists(`Run with id=${c.runId} already exists.`);
  const allTags = tags.filter((t) => t.key !== MLFLOW_RUN_NAME_TAG).concat({ key: MLFLOW_RUN_NAME_TAG, value: runName });
  return [
    {
      type: 'tracking.RunCreated',
      data: {
        runId: c.runId,
        experimentId: c.experimentId,
        runName,
        userId: c.userId,
        startTime: c.startTime,
        status: 'RUNNING',
        artifactUri: c.artifactUri,
        tags: allTags,
      },
    },
  ];
}

function renamed(run: ExistingRun, runName: string): RunEvent {
  return { type: 'tracking.RunUpdated', data: { runId: run.runId, status: run.runStatus, endTime: run.endTime, runName } };
}

function update(c: Command<'UpdateRun'>, state: RunState): RunEvent[] {
  if (c.endTime !== null) checkTime('end_time', c.endTime);
  if (c.runName) validateRunName(c.runName);
  const run = active(state, c.runId);
  const status = c.status ?? run.runStatus;
  const endTime = c.endTime ?? run.endTime;
  const runName = c.runName || run.runName;
  if (status === run.runStatus && endTime === run.endTime && runName === run.runName) return [];
  return [{ type: 'tracking.RunUpdated', data: { runId: c.runId, status, endTime, runName } }];
}

/**
 * A request's points as the event's series, with identical points kept once (MLflow drops them
 * before insert). In a series whose steps only grow, as a training loop logs them, no point can
 * repeat an earlier one, so nothing is looked up; from the first step that does not grow, points
 * are looked up by (timestamp, step), whose integers print fast, and compared by value only when
 * they meet (printing a double per point was most of this loop).
 */
function seriesOf(points: readonly MetricInput[]): MetricSeries[] {
  const byIdentity = new Map<string, { series: MetricSeries; firstAt?: Map<string, EncodedMetricValue>; seen?: Set<string> }>();
  for (const m of points) {
    const id = seriesIdentity(m);
    let entry = byIdentity.get(id);
    if (entry === undefined) byIdentity.set(id, (entry = { series: emptySeries(m) }));
    const { series } = entry;
    const value = encodeMetricValue(m.value);
    const n = series.steps.length;
    if (entry.firstAt === undefined) {
      if (n > 0 && m.step <= series.steps[n - 1]) {
        entry.firstAt = new Map();
        for (let i = 0; i < n; i++) entry.firstAt.set(`${series.timestamps[i]}\u0000${series.steps[i]}`, series.values[i]);
      }
    }
    if (entry.firstAt !== undefined) {
      const at = `${m.timestamp}\u0000${m.step}`;
      const first = entry.firstAt.get(at);
      if (first === undefined) entry.firstAt.set(at, value);
      else if (first === value) continue;
      else {
        const withValue = `${at}\u0000${value}`;
        if ((entry.seen ??= new Set()).has(withValue)) continue;
        entry.seen.add(withValue);
      }
    }
    series.steps.push(m.step);
    series.timestamps.push(m.timestamp);
    series.values.push(value);
  }
  return [...byIdentity.values()].map((e) => e.series);
}

function logData(c: Command<'LogRunData'>, state: RunState, options: ValueLimitOptions): RunEvent[] {
  validateBatchLogLimits({ metrics: c.metrics.length, params: c.params.length, tags: c.tags.length });
  const validKeys = new Set<string>();
  c.metrics.forEach((m, i) => validateMetric(m, `metrics[${i}]`, validKeys));
  const params = c.params.map((p, i) => ({ key: p.key, value: validateParam(p, `params[${i}]`, options) }));
  // An empty run name is ignored by MLflow (`update_run_info` only renames on a non-empty name).
  const tags = lastWins(c.tags.map((t, i) => ({ key: t.key, value: validateTag(t, `tags[${i}]`, options) }))).filter((t) => t.key !== MLFLOW_RUN_NAME_TAG || t.value !== '');
  validateParamKeysUnique(params);
  const newName = tags.find((t) => t.key === MLFLOW_RUN_NAME_TAG)?.value;
  if (newName !== undefined) validateRunName(newName);
  const run = active(state, c.runId);

  const conflicts = params.flatMap((p) => {
    const old = valueOf(run.params, p.key);
    return old !== undefined && old !== p.value ? [{ key: p.key, old_value: old, new_value: p.value }] : [];
  });
  if (conflicts.length === 1) {
    const [{ key, old_value, new_value }] = conflicts;
    throw TrackingError.invalidParameter(
      `Changing param values is not allowed. Param with key='${key}' was already logged with value='${old_value}' for run ID='${c.runId}'. Attempted logging new value '${new_value}'.`,
    );
  }
  if (conflicts.length > 1) {
    throw TrackingError.invalidParameter(`Changing param values is not allowed. Params were already logged='${JSON.stringify(conflicts)}' for run ID='${c.runId}'.`);
  }
  const newParams = params.filter((p) => !hasKey(run.params, p.key));

  const metrics = seriesOf(c.metrics);

  const events: RunEvent[] = [];
  if (metrics.length > 0 || newParams.length > 0 || tags.length > 0) {
    events.push({ type: 'tracking.RunDataLogged', data: { runId: c.runId, metrics, params: newParams, tags } });
  }
  if (newName !== undefined && newName !== run.runName) events.push(renamed(run, newName));
  return events;
}

function deleteTag(c: Command<'DeleteRunTag'>, state: RunState): RunEvent[] {
  const run = active(state, c.runId);
  if (!hasKey(run.tagKeys, c.key)) throw TrackingError.notFound(`No tag with name: ${c.key} in run with id ${c.runId}`);
  return [{ type: 'tracking.RunTagDeleted', data: { runId: c.runId, key: c.key } }];
}

function logInputs(c: Command<'LogRunInputs'>, state: RunState): RunEvent[] {
  validateDatasetInputs(c.datasets);
  active(state, c.runId);
  // MLflow keeps the first of several inputs with the same (name, digest).
  const byIdentity = new Map<string, DatasetInputData>();
  for (const d of c.datasets) {
    const id = JSON.stringify([d.name, d.digest]);
    if (!byIdentity.has(id)) byIdentity.set(id, d);
  }
  const datasets = [...byIdentity.values()].map((d) => ({ ...d, tags: d.tags.map((t) => ({ key: t.key, value: t.value })) }));
  if (datasets.length === 0 && c.models.length === 0) return [];
  return [{ type: 'tracking.RunInputsLogged', data: { runId: c.runId, datasets, models: c.models.map((m) => ({ modelId: m.modelId })) } }];
}

function logOutputs(c: Command<'LogRunOutputs'>, state: RunState): RunEvent[] {
  active(state, c.runId);
  if (c.models.length === 0) return [];
  return [{ type: 'tracking.RunOutputsLogged', data: { runId: c.runId, models: c.models.map((m) => ({ modelId: m.modelId, step: m.step })) } }];
}

function decideWith(options: ValueLimitOptions) {
  return (command: RunCommand, state: RunState): RunEvent[] => {
    switch (command.type) {
      case 'CreateRun':
        return create(command, state, options);
      case 'UpdateRun':
        return update(command, state);
      case 'DeleteRun':
        // Deleting or restoring twice is harmless in MLflow; the second call records nothing.
        return existing(state, command.runId).status === 'deleted' ? [] : [{ type: 'tracking.RunDeleted', data: { runId: command.runId } }];
      case 'RestoreRun':
        return existing(state, command.runId).status === 'active' ? [] : [{ type: 'tracking.RunRestored', data: { runId: command.runId } }];
      case 'LogRunData':
        return logData(command, state, options);
      case 'DeleteRunTag':
        return deleteTag(command, state);
      case 'LogRunInputs':
        return logInputs(command, state);
      case 'LogRunOutputs':
        return logOutputs(command, state);
      default:
        exhaustive(command);
        throw new TrackingError('BAD_REQUEST', 'unknown run command');
    }
  };
}

function evolve(state: RunState, event: RunEvent): RunState {
  if (event.type === 'tracking.RunCreated') {
    const d = event.data;
    return {
      status: 'active',
      runId: d.runId,
      experimentId: d.experimentId,
      runStatus: d.status,
      endTime: null,
      runName: d.runName,
      params: {},
      tagKeys: withEntries(
        {},
        d.tags.map((t) => [t.key, true] as const),
      ),
    };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'tracking.RunUpdated': {
      const { status, endTime, runName } = event.data;
      return { ...state, runStatus: status, endTime, runName, tagKeys: withEntries(state.tagKeys, [[MLFLOW_RUN_NAME_TAG, true]]) };
    }
    case 'tracking.RunDeleted':
      return { ...state, status: 'deleted' };
    case 'tracking.RunRestored':
      return { ...state, status: 'active' };
    case 'tracking.RunDataLogged':
      return {
        ...state,
        params: withEntries(
          state.params,
          event.data.params.map((p) => [p.key, p.value] as const),
        ),
        tagKeys: withEntries(
          state.tagKeys,
          event.data.tags.map((t) => [t.key, true] as const),
        ),
      };
    case 'tracking.RunTagDeleted':
      return { ...state, tagKeys: withoutKey(state.tagKeys, event.data.key) };
    case 'tracking.RunInputsLogged':
    case 'tracking.RunOutputsLogged':
      return state;
    default:
      exhaustive(event);
      return state;
  }
}

/** `truncateLongValues` mirrors MLFLOW_TRUNCATE_LONG_VALUES (default on, as in MLflow). */
export function makeRunDecider(options: ValueLimitOptions = {}) {
  return {
    initialState: (): RunState => ({ status: 'absent' }),
    decide: decideWith(options),
    evolve,
    stateVersion: 1,
  };
}

export const runDecider = makeRunDecider();

export function runStreamId(runId: string): string {
  return `run-${runId}`;
}
