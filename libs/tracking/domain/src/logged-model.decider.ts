import { LoggedModelCreated, LoggedModelDeleted, LoggedModelFinalized, LoggedModelFinalStatus, LoggedModelParamsLogged, LoggedModelTagDeleted, LoggedModelTagSet } from '@custos/events';
import { DomainEvent } from './domain-event';
import { TrackingError } from './errors';
import { exhaustive } from './exhaustive';
import { hasKey, KeyMap, valueOf, withEntries, withoutKey } from './key-map';
import { KeyValue, validateLoggedModelName, validateParam, validateParamKeysUnique, validateTag, ValueLimitOptions } from './validation';

/**
 * MLflow 3 logged models: created PENDING, finalized READY or FAILED once their files are uploaded,
 * soft-deleted. A deleted model is invisible to MLflow's `get_logged_model`, so every write to one
 * answers "not found"; deleting it again is a no-op. Params follow run-param semantics (write-once).
 */

export type LoggedModelCommand =
  | {
      type: 'CreateLoggedModel';
      modelId: string;
      experimentId: string;
      experimentStage: 'active' | 'deleted';
      artifactLocation: string;
      /** The requested name, if any; `generatedName` (random, chosen by the caller) otherwise. */
      name: string | null;
      generatedName: string;
      modelType: string | null;
      sourceRunId: string | null;
      tags: KeyValue[];
      params: KeyValue[];
    }
  | { type: 'FinalizeLoggedModel'; modelId: string; status: LoggedModelFinalStatus }
  | { type: 'DeleteLoggedModel'; modelId: string }
  | { type: 'SetLoggedModelTags'; modelId: string; tags: KeyValue[] }
  | { type: 'DeleteLoggedModelTag'; modelId: string; key: string }
  | { type: 'LogLoggedModelParams'; modelId: string; params: KeyValue[] };

export type LoggedModelEvent =
  | DomainEvent<'tracking.LoggedModelCreated', typeof LoggedModelCreated>
  | DomainEvent<'tracking.LoggedModelFinalized', typeof LoggedModelFinalized>
  | DomainEvent<'tracking.LoggedModelDeleted', typeof LoggedModelDeleted>
  | DomainEvent<'tracking.LoggedModelTagSet', typeof LoggedModelTagSet>
  | DomainEvent<'tracking.LoggedModelTagDeleted', typeof LoggedModelTagDeleted>
  | DomainEvent<'tracking.LoggedModelParamsLogged', typeof LoggedModelParamsLogged>;

interface LoggedModelFacts {
  modelId: string;
  experimentId: string;
  modelStatus: 'PENDING' | LoggedModelFinalStatus;
  params: KeyMap<string>;
  tagKeys: KeyMap<true>;
}

export type LoggedModelState = { status: 'absent' } | ({ status: 'active' } & LoggedModelFacts) | ({ status: 'deleted' } & LoggedModelFacts);
type LiveModel = Extract<LoggedModelState, { status: 'active' }>;
type Command<T extends LoggedModelCommand['type']> = Extract<LoggedModelCommand, { type: T }>;

function notFound(modelId: string): TrackingError {
  return TrackingError.notFound(`Logged model with ID '${modelId}' not found.`);
}

function live(state: LoggedModelState, modelId: string): LiveModel {
  if (state.status !== 'active') throw notFound(modelId);
  return state;
}

function checkedTags(tags: readonly KeyValue[], options: ValueLimitOptions): KeyValue[] {
  const valued = tags.map((t, i) => ({ key: t.key, value: validateTag(t, `tags[${i}]`, options) }));
  return [...new Map(valued.map((t) => [t.key, t.value])).entries()].map(([key, value]) => ({ key, value }));
}

function checkedParams(params: readonly KeyValue[], options: ValueLimitOptions): KeyValue[] {
  const valued = params.map((p, i) => ({ key: p.key, value: validateParam(p, `params[${i}]`, options) }));
  validateParamKeysUnique(valued);
  return valued;
}

function create(c: Command<'CreateLoggedModel'>, state: LoggedModelState, options: ValueLimitOptions): LoggedModelEvent[] {
  if (c.name !== null) validateLoggedModelName(c.name);
  const tags = checkedTags(c.tags, options);
  const params = checkedParams(c.params, options);
  if (c.experimentStage !== 'active') {
    throw TrackingError.invalidParameter(`The experiment ${c.experimentId} must be in the 'active' state. Current state is deleted.`);
  }
  if (state.status !== 'absent') throw TrackingError.alreadyExists(`Logged model with ID '${c.modelId}' already exists.`);
  return [
    {
      type: 'tracking.LoggedModelCreated',
      data: {
        modelId: c.modelId,
        experimentId: c.experimentId,
        name: c.name || c.generatedName,
        artifactLocation: c.artifactLocation,
        modelType: c.modelType,
        sourceRunId: c.sourceRunId,
        tags,
        params,
      },
    },
  ];
}

function logParams(c: Command<'LogLoggedModelParams'>, state: LoggedModelState, options: ValueLimitOptions): LoggedModelEvent[] {
  const params = checkedParams(c.params, options);
  const model = live(state, c.modelId);
  for (const p of params) {
    const old = valueOf(model.params, p.key);
    if (old !== undefined && old !== p.value) {
      throw TrackingError.invalidParameter(
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for model ID='${c.modelId}'. Attempted logging new value '${p.value}'.`,
      );
    }
  }
  const fresh = params.filter((p) => !hasKey(model.params, p.key));
  return fresh.length === 0 ? [] : [{ type: 'tracking.LoggedModelParamsLogged', data: { modelId: c.modelId, params: fresh } }];
}

function decideWith(options: ValueLimitOptions) {
  return (command: LoggedModelCommand, state: LoggedModelState): LoggedModelEvent[] => {
    switch (command.type) {
      case 'CreateLoggedModel':
        return create(command, state, options);
      case 'FinalizeLoggedModel': {
        const model = live(state, command.modelId);
        if (model.modelStatus === command.status) return [];
        return [{ type: 'tracking.LoggedModelFinalized', data: { modelId: command.modelId, status: command.status } }];
      }
      case 'DeleteLoggedModel':
        if (state.status === 'absent') throw notFound(command.modelId);
        return state.status === 'deleted' ? [] : [{ type: 'tracking.LoggedModelDeleted', data: { modelId: command.modelId } }];
      case 'SetLoggedModelTags': {
        const tags = checkedTags(command.tags, options);
        live(state, command.modelId);
        return tags.length === 0 ? [] : [{ type: 'tracking.LoggedModelTagSet', data: { modelId: command.modelId, tags } }];
      }
      case 'DeleteLoggedModelTag':
        if (!hasKey(live(state, command.modelId).tagKeys, command.key)) {
          throw TrackingError.notFound(`No tag with key '${command.key}' found for model with ID '${command.modelId}'.`);
        }
        return [{ type: 'tracking.LoggedModelTagDeleted', data: { modelId: command.modelId, key: command.key } }];
      case 'LogLoggedModelParams':
        return logParams(command, state, options);
      default:
        exhaustive(command);
        throw new TrackingError('BAD_REQUEST', 'unknown logged model command');
    }
  };
}

function evolve(state: LoggedModelState, event: LoggedModelEvent): LoggedModelState {
  if (event.type === 'tracking.LoggedModelCreated') {
    const d = event.data;
    return {
      status: 'active',
      modelId: d.modelId,
      experimentId: d.experimentId,
      modelStatus: 'PENDING',
      params: withEntries(
        {},
        d.params.map((p) => [p.key, p.value] as const),
      ),
      tagKeys: withEntries(
        {},
        d.tags.map((t) => [t.key, true] as const),
      ),
    };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'tracking.LoggedModelFinalized':
      return { ...state, modelStatus: event.data.status };
    case 'tracking.LoggedModelDeleted':
      return { ...state, status: 'deleted' };
    case 'tracking.LoggedModelTagSet':
      return {
        ...state,
        tagKeys: withEntries(
          state.tagKeys,
          event.data.tags.map((t) => [t.key, true] as const),
        ),
      };
    case 'tracking.LoggedModelTagDeleted':
      return { ...state, tagKeys: withoutKey(state.tagKeys, event.data.key) };
    case 'tracking.LoggedModelParamsLogged':
      return {
        ...state,
        params: withEntries(
          state.params,
          event.data.params.map((p) => [p.key, p.value] as const),
        ),
      };
    default:
      exhaustive(event);
      return state;
  }
}

export function makeLoggedModelDecider(options: ValueLimitOptions = {}) {
  return {
    initialState: (): LoggedModelState => ({ status: 'absent' }),
    decide: decideWith(options),
    evolve,
    stateVersion: 1,
  };
}

export const loggedModelDecider = makeLoggedModelDecider();

export function loggedModelStreamId(modelId: string): string {
  return `logged-model-${modelId}`;
}
