import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { Policy } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { MlflowRequest } from '../http/mlflow-request';
import { datasetSummaries } from '../queries/dataset-summaries.query';

/** MLflow's limit on the experiments one SearchDatasets request names. */
const MAX_EXPERIMENT_IDS = 20;

/** The datasets panel of MLflow's web UI (served under ajax-api only, as MLflow does). */
@Controller('ajax-api/2.0/mlflow/experiments')
export class DatasetsController {
  constructor(
    private readonly ds: DataSource,
    private readonly access: ExperimentAccess,
  ) {}

  // Open to any caller; the experiments named are cut down to the readable ones, as run search does,
  // so an unreadable experiment answers like one that does not exist (no datasets).
  @Post('search-datasets')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  async search(@Req() req: Request) {
    const requested = new MlflowRequest(req).stringList('experiment_ids');
    if (requested.length === 0) throw TrackingError.invalidParameter('SearchDatasets request must specify at least one experiment_id.');
    if (requested.length > MAX_EXPERIMENT_IDS) {
      throw TrackingError.invalidParameter(
        `SearchDatasets request cannot specify more than ${MAX_EXPERIMENT_IDS} experiment_ids. Received ${requested.length} experiment_ids.`,
      );
    }
    const experimentIds = await this.access.readableIds(requested);
    const rows = experimentIds.length === 0 ? [] : await datasetSummaries(this.ds, experimentIds);
    return {
      dataset_summaries: rows.map((row) => ({
        experiment_id: row.experiment_id,
        name: row.name,
        digest: row.digest,
        ...(row.context !== null ? { context: row.context } : {}),
      })),
    };
  }
}
