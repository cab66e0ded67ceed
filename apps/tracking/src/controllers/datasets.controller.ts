import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { MlflowApi, Policy } from '@custos/platform';
import { SearchDatasetsRequest, SearchDatasetsResponse } from '../dtos/datasets.dto';
import { DatasetSummaries } from '../queries/dataset-summaries.query';

/** The datasets panel of MLflow's web UI (served under ajax-api only, as MLflow does). */
@Controller('ajax-api/2.0/mlflow/experiments')
export class DatasetsController {
  constructor(private readonly summaries: DatasetSummaries) {}

  // Open to any caller; the experiments named are cut down to the readable ones, as run search does,
  // so an unreadable experiment answers like one that does not exist (no datasets).
  @Post('search-datasets')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: SearchDatasetsRequest, response: SearchDatasetsResponse })
  search(@Body() dto: SearchDatasetsRequest) {
    return this.summaries.search(dto.experiment_ids ?? []);
  }
}
