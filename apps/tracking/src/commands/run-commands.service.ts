import { Injectable } from '@nestjs/common';
import { CommandExecutor, Executed } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { KeyValue, RunCommand, runArtifactUri, runDecider, RunState, runStreamId } from '@custos/tracking-domain';
import { ExperimentRow } from '../access/experiment-access.service';
import { TrackingProjection } from '../projections/tracking.projection';
import { newRunId, randomName } from './generated-ids';

export interface NewRun {
  experiment: ExperimentRow;
  userId: string;
  startTime: number;
  runName: string | null;
  tags: KeyValue[];
}

/** Runs run commands through the run decider; read models follow in the same transaction. */
@Injectable()
export class RunCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projection: TrackingProjection,
  ) {}

  async create(run: NewRun): Promise<string> {
    const runId = newRunId();
    await this.execute({
      type: 'CreateRun',
      runId,
      experimentId: run.experiment.experiment_id,
      experimentStage: run.experiment.lifecycle_stage === 'active' ? 'active' : 'deleted',
      artifactUri: runArtifactUri(run.experiment.artifact_location, runId),
      userId: run.userId,
      startTime: run.startTime,
      runName: run.runName,
      generatedRunName: randomName(),
      tags: run.tags,
    });
    return runId;
  }

  execute(command: RunCommand): Promise<Executed<RunState>> {
    return this.executor.execute(runDecider, runStreamId(command.runId), command, eventMetadata(), this.projection.inline);
  }
}
