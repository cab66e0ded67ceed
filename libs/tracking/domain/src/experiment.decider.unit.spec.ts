import { specFor } from './decider.spec-helper';
import { ExperimentEvent, experimentDecider, ExperimentState } from './experiment.decider';

const spec = specFor(experimentDecider);

const created: ExperimentEvent = {
  type: 'tracking.ExperimentCreated',
  data: { experimentId: '7', name: 'exp', artifactLocation: 'mlflow-artifacts:/7', tags: [{ key: 'team', value: 'ml' }] },
};
const deleted: ExperimentEvent = { type: 'tracking.ExperimentDeleted', data: { experimentId: '7' } };

describe('experiment decider', () => {
  describe('create', () => {
    it('creates an experiment with its tags, the last value winning for a repeated key', () => {
      spec
        .given()
        .when({
          type: 'CreateExperiment',
          experimentId: '7',
          name: 'exp',
          artifactLocation: 'mlflow-artifacts:/7',
          tags: [
            { key: 'team', value: 'ai' },
            { key: 'team', value: 'ml' },
          ],
        })
        .then([created]);
    });

    it('refuses a second create on the same stream', () => {
      spec
        .given(created)
        .when({ type: 'CreateExperiment', experimentId: '7', name: 'other', artifactLocation: 'x', tags: [] })
        .thenError('RESOURCE_ALREADY_EXISTS', 'Experiment with id=7 already exists');
    });

    it.each([
      ['an empty name', { name: '' }, "Invalid experiment name: ''"],
      ['a name over 500 characters', { name: 'n'.repeat(501) }, "'name' exceeds the maximum length of 500 characters"],
      ['a runs:/ artifact location', { artifactLocation: 'runs:/abc/model' }, 'Artifact location cannot be a runs:/ URI'],
      ['a bad experiment id', { experimentId: '-1' }, "Invalid experiment ID: '-1'"],
      ['a bad tag key', { tags: [{ key: '../x', value: 'v' }] }, /resolve to other names/],
      ['a tag value over 5000 characters', { tags: [{ key: 'k', value: 'v'.repeat(5001) }] }, "'value' exceeds the maximum length of 5000"],
    ])('refuses %s', (_label, override, message) => {
      spec
        .given()
        .when({ type: 'CreateExperiment', experimentId: '7', name: 'exp', artifactLocation: 'mlflow-artifacts:/7', tags: [], ...override })
        .thenError('INVALID_PARAMETER_VALUE', message);
    });
  });

  describe('rename', () => {
    it('renames an active experiment', () => {
      spec
        .given(created)
        .when({ type: 'RenameExperiment', experimentId: '7', newName: 'better' })
        .then([{ type: 'tracking.ExperimentRenamed', data: { experimentId: '7', name: 'better' } }]);
    });

    it('records nothing when the name does not change', () => {
      spec.given(created).when({ type: 'RenameExperiment', experimentId: '7', newName: 'exp' }).thenNothing();
    });

    it('refuses to rename a deleted experiment with INVALID_STATE, as MLflow does', () => {
      spec.given(created, deleted).when({ type: 'RenameExperiment', experimentId: '7', newName: 'x' }).thenError('INVALID_STATE', 'Cannot rename a non-active experiment.');
    });

    it('answers not found for an unknown experiment', () => {
      spec.given().when({ type: 'RenameExperiment', experimentId: '9', newName: 'x' }).thenError('RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=9 exists');
    });
  });

  describe('delete and restore', () => {
    it('deletes and restores', () => {
      spec.given(created).when({ type: 'DeleteExperiment', experimentId: '7' }).then([deleted]);
      spec
        .given(created, deleted)
        .when({ type: 'RestoreExperiment', experimentId: '7' })
        .then([{ type: 'tracking.ExperimentRestored', data: { experimentId: '7' } }]);
    });

    it('refuses to delete the Default experiment', () => {
      const zero: ExperimentEvent = { type: 'tracking.ExperimentCreated', data: { experimentId: '0', name: 'Default', artifactLocation: 'mlflow-artifacts:/0', tags: [] } };
      spec.given(zero).when({ type: 'DeleteExperiment', experimentId: '0' }).thenError('INVALID_PARAMETER_VALUE', "Cannot delete the default experiment '0'");
    });

    it('looks among active experiments only when deleting, and among deleted ones when restoring', () => {
      spec.given(created, deleted).when({ type: 'DeleteExperiment', experimentId: '7' }).thenError('RESOURCE_DOES_NOT_EXIST');
      spec.given(created).when({ type: 'RestoreExperiment', experimentId: '7' }).thenError('RESOURCE_DOES_NOT_EXIST');
      spec.given().when({ type: 'DeleteExperiment', experimentId: '7' }).thenError('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('tags', () => {
    it('sets a tag on an active experiment', () => {
      spec
        .given(created)
        .when({ type: 'SetExperimentTag', experimentId: '7', key: 'owner', value: 'bob' })
        .then([{ type: 'tracking.ExperimentTagSet', data: { experimentId: '7', key: 'owner', value: 'bob' } }]);
    });

    it('refuses tag writes on a deleted experiment as MLflow does (INVALID_PARAMETER_VALUE)', () => {
      spec
        .given(created, deleted)
        .when({ type: 'SetExperimentTag', experimentId: '7', key: 'owner', value: 'bob' })
        .thenError('INVALID_PARAMETER_VALUE', "The experiment 7 must be in the 'active' state. Current state is deleted.");
      spec.given(created, deleted).when({ type: 'DeleteExperimentTag', experimentId: '7', key: 'team' }).thenError('INVALID_PARAMETER_VALUE');
    });

    it('deletes an existing tag and refuses a missing one', () => {
      spec
        .given(created)
        .when({ type: 'DeleteExperimentTag', experimentId: '7', key: 'team' })
        .then([{ type: 'tracking.ExperimentTagDeleted', data: { experimentId: '7', key: 'team' } }]);
      spec
        .given(created, { type: 'tracking.ExperimentTagDeleted', data: { experimentId: '7', key: 'team' } })
        .when({ type: 'DeleteExperimentTag', experimentId: '7', key: 'team' })
        .thenError('RESOURCE_DOES_NOT_EXIST', 'No tag with name: team in experiment with id 7');
    });

    it('refuses an invalid tag', () => {
      spec
        .given(created)
        .when({ type: 'SetExperimentTag', experimentId: '7', key: 'bad!key', value: 'v' })
        .thenError('INVALID_PARAMETER_VALUE', /Names may only contain/);
    });
  });

  it('folds the whole history into plain JSON state', () => {
    const state = spec.fold([
      created,
      { type: 'tracking.ExperimentRenamed', data: { experimentId: '7', name: 'renamed' } },
      { type: 'tracking.ExperimentTagSet', data: { experimentId: '7', key: '__proto__', value: 'x' } },
      deleted,
      { type: 'tracking.ExperimentRestored', data: { experimentId: '7' } },
    ]);
    const expected: ExperimentState = { status: 'active', experimentId: '7', name: 'renamed', tagKeys: JSON.parse('{"team":true,"__proto__":true}') as Record<string, true> };
    expect(state).toEqual(expected);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(Object.getPrototypeOf(state.status === 'active' ? state.tagKeys : {})).toBe(Object.prototype);
  });
});
