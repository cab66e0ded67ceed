import { loggedModelArtifactUri } from './artifact-uri';
import { specFor } from './decider.spec-helper';
import { LoggedModelCommand, loggedModelDecider, LoggedModelEvent } from './logged-model.decider';

const spec = specFor(loggedModelDecider);
const modelId = 'm-0123456789abcdef0123456789abcdef';
const artifactLocation = loggedModelArtifactUri('mlflow-artifacts:/1', modelId);

const createCommand: Extract<LoggedModelCommand, { type: 'CreateLoggedModel' }> = {
  type: 'CreateLoggedModel',
  modelId,
  experimentId: '1',
  experimentStage: 'active',
  artifactLocation,
  name: null,
  generatedName: 'calm-fox-7',
  modelType: null,
  sourceRunId: 'r1',
  tags: [{ key: 'framework', value: 'sklearn' }],
  params: [{ key: 'C', value: '1.0' }],
};
const created: LoggedModelEvent = {
  type: 'tracking.LoggedModelCreated',
  data: {
    modelId,
    experimentId: '1',
    name: 'calm-fox-7',
    artifactLocation: `mlflow-artifacts:/1/models/${modelId}/artifacts`,
    modelType: null,
    sourceRunId: 'r1',
    tags: [{ key: 'framework', value: 'sklearn' }],
    params: [{ key: 'C', value: '1.0' }],
  },
};
const deleted: LoggedModelEvent = { type: 'tracking.LoggedModelDeleted', data: { modelId } };

describe('logged model decider', () => {
  it('creates a PENDING model under the generated name unless one is given', () => {
    spec.given().when(createCommand).then([created]);
    const [e] = spec
      .given()
      .when({ ...createCommand, name: 'clf', modelType: 'sklearn' })
      .then([expect.anything() as unknown as LoggedModelEvent]);
    expect(e.data).toMatchObject({ name: 'clf', modelType: 'sklearn' });
    expect(spec.fold([created])).toMatchObject({ status: 'active', modelStatus: 'PENDING' });
  });

  it.each(['a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b", ''])('refuses the model name %j', (name) => {
    spec
      .given()
      .when({ ...createCommand, name })
      .thenError('INVALID_PARAMETER_VALUE', /Invalid model name/);
  });

  it('refuses a model in a deleted experiment and a duplicate id', () => {
    spec
      .given()
      .when({ ...createCommand, experimentStage: 'deleted' })
      .thenError('INVALID_PARAMETER_VALUE', /must be in the 'active' state/);
    spec.given(created).when(createCommand).thenError('RESOURCE_ALREADY_EXISTS');
  });

  it('finalizes READY or FAILED, and finalizing to the same status again records nothing', () => {
    spec
      .given(created)
      .when({ type: 'FinalizeLoggedModel', modelId, status: 'READY' })
      .then([{ type: 'tracking.LoggedModelFinalized', data: { modelId, status: 'READY' } }]);
    spec
      .given(created)
      .when({ type: 'FinalizeLoggedModel', modelId, status: 'FAILED' })
      .then([{ type: 'tracking.LoggedModelFinalized', data: { modelId, status: 'FAILED' } }]);
    spec
      .given(created, { type: 'tracking.LoggedModelFinalized', data: { modelId, status: 'READY' } })
      .when({ type: 'FinalizeLoggedModel', modelId, status: 'READY' })
      .thenNothing();
  });

  it('deletes once; a deleted model is not found for every other write', () => {
    spec.given(created).when({ type: 'DeleteLoggedModel', modelId }).then([deleted]);
    spec.given(created, deleted).when({ type: 'DeleteLoggedModel', modelId }).thenNothing();
    spec.given().when({ type: 'DeleteLoggedModel', modelId }).thenError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found.`);
    spec.given(created, deleted).when({ type: 'FinalizeLoggedModel', modelId, status: 'READY' }).thenError('RESOURCE_DOES_NOT_EXIST');
    spec
      .given(created, deleted)
      .when({ type: 'SetLoggedModelTags', modelId, tags: [{ key: 'a', value: 'b' }] })
      .thenError('RESOURCE_DOES_NOT_EXIST');
  });

  it('sets and deletes tags', () => {
    spec
      .given(created)
      .when({
        type: 'SetLoggedModelTags',
        modelId,
        tags: [
          { key: 'stage', value: 'a' },
          { key: 'stage', value: 'b' },
        ],
      })
      .then([{ type: 'tracking.LoggedModelTagSet', data: { modelId, tags: [{ key: 'stage', value: 'b' }] } }]);
    spec.given(created).when({ type: 'SetLoggedModelTags', modelId, tags: [] }).thenNothing();
    spec
      .given(created)
      .when({ type: 'DeleteLoggedModelTag', modelId, key: 'framework' })
      .then([{ type: 'tracking.LoggedModelTagDeleted', data: { modelId, key: 'framework' } }]);
    spec.given(created).when({ type: 'DeleteLoggedModelTag', modelId, key: 'nope' }).thenError('RESOURCE_DOES_NOT_EXIST', "No tag with key 'nope' found for model with ID");
  });

  it('logs params write-once', () => {
    spec
      .given(created)
      .when({
        type: 'LogLoggedModelParams',
        modelId,
        params: [
          { key: 'C', value: '1.0' },
          { key: 'depth', value: '3' },
        ],
      })
      .then([{ type: 'tracking.LoggedModelParamsLogged', data: { modelId, params: [{ key: 'depth', value: '3' }] } }]);
    spec
      .given(created)
      .when({ type: 'LogLoggedModelParams', modelId, params: [{ key: 'C', value: '1.0' }] })
      .thenNothing();
    spec
      .given(created)
      .when({ type: 'LogLoggedModelParams', modelId, params: [{ key: 'C', value: '2.0' }] })
      .thenError('INVALID_PARAMETER_VALUE', /Changing param values is not allowed/);
    spec
      .given(created)
      .when({
        type: 'LogLoggedModelParams',
        modelId,
        params: [
          { key: 'x', value: '1' },
          { key: 'x', value: '2' },
        ],
      })
      .thenError('INVALID_PARAMETER_VALUE', /Duplicate parameter keys/);
  });
});
