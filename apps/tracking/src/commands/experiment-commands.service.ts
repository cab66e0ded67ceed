import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandExecutor, pgCode, pgConstraint, PG } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { ExperimentCommand, experimentDecider, experimentStreamId, KeyValue, TrackingError } from '@custos/tracking-domain';
import { TrackingProjection } from '../projections/tracking.projection';

/** Runs experiment commands through the decider, with the read model updated in the same transaction. */
@Injectable()
export class ExperimentCommands {
  constructor(
    private readonly ds: DataSource,
    private readonly executor: CommandExecutor,
    private readonly projection: TrackingProjection,
  ) {}

  async create(name: string, artifactLocation: string | undefined, tags: KeyValue[], experimentId?: string): Promise<string> {
    const id = experimentId ?? String(((await this.ds.query(`SELECT nextval('experiment_ids') AS id`)) as { id: string }[])[0].id);
    await this.execute({ type: 'CreateExperiment', experimentId: id, name, artifactLocation: artifactLocation || `mlflow-artifacts:/${id}`, tags }, name);
    return id;
  }

  async execute(command: ExperimentCommand, nameForConflict?: string): Promise<void> {
    try {
      await this.executor.execute(experimentDecider, experimentStreamId(command.experimentId), command, eventMetadata(), this.projection.inline);
    } catch (e) {
      // Names are unique across streams: the read model's unique index is the arbiter.
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'experiments_name_unique') {
        throw TrackingError.alreadyExists(`Experiment(name=${nameForConflict ?? ''}) already exists. Error: (psycopg2.errors.UniqueViolation)`);
      }
      throw e;
    }
  }
}
