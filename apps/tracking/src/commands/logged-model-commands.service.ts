import { Injectable } from '@nestjs/common';
import { CommandExecutor, Executed } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { KeyValue, LoggedModelCommand, loggedModelArtifactUri, loggedModelDecider, LoggedModelState, loggedModelStreamId } from '@custos/tracking-domain';
import { ExperimentRow } from '../access/experiment-access.service';
import { TrackingProjection } from '../projections/tracking.projection';
import { newLoggedModelId, randomName } from './generated-ids';

export interface NewLoggedModel {
  experiment: ExperimentRow;
  name: string | null;
  modelType: string | null;
  sourceRunId: string | null;
  tags: KeyValue[];
  params: KeyValue[];
}

/** Runs logged-model commands through their decider; read models follow in the same transaction. */
@Injectable()
export class LoggedModelCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projection: TrackingProjection,
  ) {}

  async create(model: NewLoggedModel): Promise<string> {
    const modelId = newLoggedModelId();
    await this.execute({
      type: 'CreateLoggedModel',
      modelId,
      experimentId: model.experiment.experiment_id,
      experimentStage: model.experiment.lifecycle_stage === 'active' ? 'active' : 'deleted',
      artifactLocation: loggedModelArtifactUri(model.experiment.artifact_location, modelId),
      name: model.name,
      generatedName: randomName(),
      modelType: model.modelType,
      sourceRunId: model.sourceRunId,
      tags: model.tags,
      params: model.params,
    });
    return modelId;
  }

  execute(command: LoggedModelCommand): Promise<Executed<LoggedModelState>> {
    return this.executor.execute(loggedModelDecider, loggedModelStreamId(command.modelId), command, eventMetadata(), this.projection.inline);
  }
}
