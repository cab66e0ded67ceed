import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyValue } from '@custos/tracking-domain';
import { ExperimentAccess, ExperimentRow } from '../access/experiment-access.service';
import { experimentJson } from '../http/mlflow-json';

export const noExperiment = (id: string) => `No Experiment with id=${id} exists`;

/** Reading experiments as MLflow's Experiment message; REST and GraphQL both answer through here. */
@Injectable()
export class ExperimentReads {
  constructor(
    private readonly ds: DataSource,
    private readonly access: ExperimentAccess,
  ) {}

  /** `experiments/get`: a caller without READ gets the same 404 as for a missing experiment. */
  async get(id: string) {
    const row = await this.access.require(id, 'READ', noExperiment(id));
    return { experiment: await this.withTags(row) };
  }

  async withTags(row: ExperimentRow) {
    const tags = (await this.ds.query(`SELECT key, value FROM experiment_tags WHERE experiment_id = $1 ORDER BY key`, [row.experiment_id])) as KeyValue[];
    return experimentJson(row, tags);
  }
}
