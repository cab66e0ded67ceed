import { ExperimentCreated, ExperimentDeleted, ExperimentRenamed, ExperimentRestored, ExperimentTagDeleted, ExperimentTagSet } from '@custos/events';
import { DomainEvent } from './domain-event';
import { TrackingError } from './errors';
import { exhaustive } from './exhaustive';
import { hasKey, KeyMap, withEntries, withoutKey } from './key-map';
import { DEFAULT_EXPERIMENT_ID, KeyValue, validateExperimentArtifactLocation, validateExperimentId, validateExperimentName, validateExperimentTag } from './validation';

/**
 * The experiment stream: one stream per experiment id. Name uniqueness spans streams, so the
 * handler enforces it against the read model (a unique index answering RESOURCE_ALREADY_EXISTS);
 * everything that depends on one experiment's own history is decided here.
 */

export type ExperimentCommand =
  | { type: 'CreateExperiment'; experimentId: string; name: string; artifactLocation: string; tags: KeyValue[] }
  | { type: 'RenameExperiment'; experimentId: string; newName: string }
  | { type: 'DeleteExperiment'; experimentId: string }
  | { type: 'RestoreExperiment'; experimentId: string }
  | { type: 'SetExperimentTag'; experimentId: string; key: string; value: string }
  | { type: 'DeleteExperimentTag'; experimentId: string; key: string };

export type ExperimentEvent =
  | DomainEvent<'tracking.ExperimentCreated', typeof ExperimentCreated>
  | DomainEvent<'tracking.ExperimentRenamed', typeof ExperimentRenamed>
  | DomainEvent<'tracking.ExperimentDeleted', typeof ExperimentDeleted>
  | DomainEvent<'tracking.ExperimentRestored', typeof ExperimentRestored>
  | DomainEvent<'tracking.ExperimentTagSet', typeof ExperimentTagSet>
  | DomainEvent<'tracking.ExperimentTagDeleted', typeof ExperimentTagDeleted>;

interface ExperimentFacts {
  experimentId: string;
  name: string;
  tagKeys: KeyMap<true>;
}

export type ExperimentState = { status: 'absent' } | ({ status: 'active' } & ExperimentFacts) | ({ status: 'deleted' } & ExperimentFacts);
type ExistingExperiment = Exclude<ExperimentState, { status: 'absent' }>;

function notFound(experimentId: string): TrackingError {
  return TrackingError.notFound(`No Experiment with id=${experimentId} exists`);
}

function existing(state: ExperimentState, experimentId: string): ExistingExperiment {
  if (state.status === 'absent') throw notFound(experimentId);
  return state;
}

/** MLflow's `_check_experiment_is_active`: writes to a deleted experiment are a bad parameter. */
function active(state: ExperimentState, experimentId: string): ExistingExperiment {
  const e = existing(state, experimentId);
  if (e.status === 'deleted') {
    throw TrackingError.invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is deleted.`);
  }
  return e;
}

function create(c: Extract<ExperimentCommand, { type: 'CreateExperiment' }>, state: ExperimentState): ExperimentEvent[] {
  validateExperimentId(c.experimentId);
  validateExperimentName(c.name);
  validateExperimentArtifactLocation(c.artifactLocation);
  c.tags.forEach(validateExperimentTag);
  if (state.status !== 'absent') throw TrackingError.alreadyExists(`Experiment with id=${c.experimentId} already exists.`);
  // A key given twice keeps its last value, as successive set-tag calls would.
  const tags = [...new Map(c.tags.map((t) => [t.key, t.value])).entries()].map(([key, value]) => ({ key, value }));
  return [{ type: 'tracking.ExperimentCreated', data: { experimentId: c.experimentId, name: c.name, artifactLocation: c.artifactLocation, tags } }];
}

function rename(c: Extract<ExperimentCommand, { type: 'RenameExperiment' }>, state: ExperimentState): ExperimentEvent[] {
  validateExperimentName(c.newName);
  const e = existing(state, c.experimentId);
  if (e.status === 'deleted') throw TrackingError.invalidState('Cannot rename a non-active experiment.');
  if (e.name === c.newName) return [];
  return [{ type: 'tracking.ExperimentRenamed', data: { experimentId: c.experimentId, name: c.newName } }];
}

function remove(c: Extract<ExperimentCommand, { type: 'DeleteExperiment' }>, state: ExperimentState): ExperimentEvent[] {
  if (c.experimentId === DEFAULT_EXPERIMENT_ID) {
    throw TrackingError.invalidParameter(`Cannot delete the default experiment '${DEFAULT_EXPERIMENT_ID}'. This is an internally reserved experiment.`);
  }
  // MLflow looks the experiment up among active ones only, so deleting twice is "not found".
  if (existing(state, c.experimentId).status === 'deleted') throw notFound(c.experimentId);
  return [{ type: 'tracking.ExperimentDeleted', data: { experimentId: c.experimentId } }];
}

function restore(c: Extract<ExperimentCommand, { type: 'RestoreExperiment' }>, state: ExperimentState): ExperimentEvent[] {
  if (existing(state, c.experimentId).status === 'active') throw notFound(c.experimentId);
  return [{ type: 'tracking.ExperimentRestored', data: { experimentId: c.experimentId } }];
}

function setTag(c: Extract<ExperimentCommand, { type: 'SetExperimentTag' }>, state: ExperimentState): ExperimentEvent[] {
  validateExperimentTag(c);
  active(state, c.experimentId);
  return [{ type: 'tracking.ExperimentTagSet', data: { experimentId: c.experimentId, key: c.key, value: c.value } }];
}

function deleteTag(c: Extract<ExperimentCommand, { type: 'DeleteExperimentTag' }>, state: ExperimentState): ExperimentEvent[] {
  const e = active(state, c.experimentId);
  if (!hasKey(e.tagKeys, c.key)) throw TrackingError.notFound(`No tag with name: ${c.key} in experiment with id ${c.experimentId}`);
  return [{ type: 'tracking.ExperimentTagDeleted', data: { experimentId: c.experimentId, key: c.key } }];
}

function decide(command: ExperimentCommand, state: ExperimentState): ExperimentEvent[] {
  switch (command.type) {
    case 'CreateExperiment':
      return create(command, state);
    case 'RenameExperiment':
      return rename(command, state);
    case 'DeleteExperiment':
      return remove(command, state);
    case 'RestoreExperiment':
      return restore(command, state);
    case 'SetExperimentTag':
      return setTag(command, state);
    case 'DeleteExperimentTag':
      return deleteTag(command, state);
    default:
      exhaustive(command);
      throw new TrackingError('BAD_REQUEST', 'unknown experiment command');
  }
}

function evolve(state: ExperimentState, event: ExperimentEvent): ExperimentState {
  if (event.type === 'tracking.ExperimentCreated') {
    const { experimentId, name, tags } = event.data;
    return {
      status: 'active',
      experimentId,
      name,
      tagKeys: withEntries(
        {},
        tags.map((t) => [t.key, true] as const),
      ),
    };
  }
  // Every other event presupposes the experiment exists; a stream never starts with one.
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'tracking.ExperimentRenamed':
      return { ...state, name: event.data.name };
    case 'tracking.ExperimentDeleted':
      return { ...state, status: 'deleted' };
    case 'tracking.ExperimentRestored':
      return { ...state, status: 'active' };
    case 'tracking.ExperimentTagSet':
      return { ...state, tagKeys: withEntries(state.tagKeys, [[event.data.key, true]]) };
    case 'tracking.ExperimentTagDeleted':
      return { ...state, tagKeys: withoutKey(state.tagKeys, event.data.key) };
    default: {
      exhaustive(event);
      return state;
    }
  }
}

export const experimentDecider = {
  initialState: (): ExperimentState => ({ status: 'absent' }),
  decide,
  evolve,
  stateVersion: 1,
};

export function experimentStreamId(experimentId: string): string {
  return `experiment-${experimentId}`;
}
