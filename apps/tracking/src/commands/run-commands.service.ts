import { Injectable } from '@nestjs/common';
import { CommandExecutor, Executed } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { KeyValue, RunCommand, runArtifactUri, runDecider, RunState, runStreamId } from '@custos/tracking-domain';
import { ExperimentRow } from '../access/experiment-access.service';
import { TrackingProjection } from '../projections/tracking.projection';
import { metricBatches, RunMetricsCatchUp } from '../projections/run-metrics-catch-up';
import { newRunId, randomName } from './generated-ids';

export interface NewRun {
  experiment: ExperimentRow;
  userId: string;
  startTime: number;
  runName: string | null;
  tags: KeyValue[];
}

/**
 * Runs run commands through the run decider; read models follow in the same transaction, except a
 * batch's metric history and latest values, caught up once it has committed (decision 023).
 */
@Injectable()
export class RunCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projection: TrackingProjection,
    private readonly catchUp: RunMetricsCatchUp,
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

  async execute(command: RunCommand): Promise<Executed<RunState>> {
    const done = await this.executor.execute(runDecider, runStreamId(command.runId), command, eventMetadata(), this.projection.inline);
    const batches = metricBatches(done.events);
    if (batches.size > 0) this.catchUp.schedule(command.runId, batches);
    return done;
  }
}
