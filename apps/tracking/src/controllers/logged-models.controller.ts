import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { mlflowMissing, Policy, MlflowApi } from '@custos/platform';
import { decodePageToken, encodePageToken, SqlParams, TrackingError, validateSearchLoggedModelsMaxResults } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { LoggedModelAccess, LoggedModelRow } from '../access/logged-model-access.service';
import { LoggedModelCommands } from '../commands/logged-model-commands.service';
import { parseFinalStatus } from '../http/logged-model-json';
import { keyValuesOf } from '../http/mlflow-values';
import { loggedModelsJson } from '../queries/logged-model-details.query';
import { loggedModelFilterSql, loggedModelOrderSql } from '../queries/logged-model-search';
import {
  CreateLoggedModelRequest,
  FinalizeLoggedModelRequest,
  GetLoggedModelRequest,
  LoggedModelResponse,
  LogLoggedModelParamsRequest,
  SearchLoggedModelsRequest,
  SearchLoggedModelsResponse,
  SetLoggedModelTagsRequest,
} from '../dtos/logged-models.dto';

const noExperiment = (id: string) => `No Experiment with id=${id} exists`;
/** SearchLoggedModels' proto default for max_results. */
const SEARCH_DEFAULT_MAX_RESULTS = 50;

/** MLflow 3 logged models (`/mlflow/logged-models`, REST-style paths with the id in the path). */
@Controller(['api/2.0/mlflow/logged-models', 'ajax-api/2.0/mlflow/logged-models'])
export class LoggedModelsController {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
    private readonly access: LoggedModelAccess,
    private readonly commands: LoggedModelCommands,
  ) {}

  @Post()
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: CreateLoggedModelRequest, response: LoggedModelResponse })
  async create(@Body() dto: CreateLoggedModelRequest) {
    const experimentId = dto.experiment_id;
    const sourceRunId = dto.source_run_id || null;
    const experiment = await this.experiments.require(experimentId, 'EDIT', noExperiment(experimentId));
    // Taken as given, as MLflow does: a label that grants nothing, and checking it would answer
    // differently for a hidden run than for a missing one (decision 033).
    const modelId = await this.commands.create({
      experiment,
      name: dto.name || null,
      modelType: dto.model_type || null,
      sourceRunId,
      tags: keyValuesOf(dto.tags),
      params: keyValuesOf(dto.params),
    });
    return { model: await this.json(await this.access.require(modelId, 'READ')) };
  }

  @Post('search')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: SearchLoggedModelsRequest, response: SearchLoggedModelsResponse })
  async search(@Body() dto: SearchLoggedModelsRequest) {
    const requested = dto.experiment_ids ?? [];
    if (requested.length === 0) throw TrackingError.invalidParameter(mlflowMissing('experiment_ids'));
    const maxResults = dto.max_results || SEARCH_DEFAULT_MAX_RESULTS;
    validateSearchLoggedModelsMaxResults(maxResults);
    const datasets = (dto.datasets ?? []).map((d) => {
      if (!d.dataset_name) throw TrackingError.invalidParameter('`dataset_name` in the `datasets` clause must be specified.');
      return d.dataset_digest ? { name: d.dataset_name, digest: d.dataset_digest } : { name: d.dataset_name };
    });
    const order = (dto.order_by ?? []).map((ob) => ({
      fieldName: ob.field_name ?? '',
      ascending: ob.ascending ?? true,
      ...(ob.dataset_name ? { datasetName: ob.dataset_name } : {}),
      ...(ob.dataset_digest ? { datasetDigest: ob.dataset_digest } : {}),
    }));
    const offset = decodePageToken(dto.page_token);
    const p = new SqlParams();
    const ids = p.bind(requested);
    const readable = this.experiments.readableCondition(p);
    const filter = loggedModelFilterSql(dto.filter, p, datasets);
    const orderBy = loggedModelOrderSql(order, p);
    const rows = (await this.ds.query(
      `SELECT lm.* FROM logged_models lm JOIN experiments e ON e.experiment_id = lm.experiment_id
       WHERE lm.experiment_id = ANY(${ids}::text[]) AND lm.lifecycle_stage <> 'deleted' AND ${readable} AND ${filter}
       ORDER BY ${orderBy} LIMIT ${p.bind(maxResults + 1)} OFFSET ${p.bind(offset)}`,
      p.values,
    )) as LoggedModelRow[];
    const models = await loggedModelsJson(this.ds, rows.slice(0, maxResults));
    return rows.length > maxResults ? { models, next_page_token: encodePageToken(offset + maxResults) } : { models };
  }

  @Get(':model_id')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetLoggedModelRequest, response: LoggedModelResponse })
  async get(@Param('model_id') modelId: string, @Query() q: GetLoggedModelRequest) {
    return { model: await this.json(await this.access.require(modelId, 'READ', q.allow_deleted ?? false)) };
  }

  @Patch(':model_id')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: FinalizeLoggedModelRequest, response: LoggedModelResponse })
  async finalize(@Param('model_id') modelId: string, @Body() dto: FinalizeLoggedModelRequest) {
    const status = parseFinalStatus(dto.status);
    await this.access.require(modelId, 'EDIT');
    await this.commands.execute({ type: 'FinalizeLoggedModel', modelId, status });
    return { model: await this.json(await this.access.require(modelId, 'READ')) };
  }

  @Delete(':model_id')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({})
  async delete(@Param('model_id') modelId: string) {
    await this.access.require(modelId, 'MANAGE');
    await this.commands.execute({ type: 'DeleteLoggedModel', modelId });
    return {};
  }

  @Patch(':model_id/tags')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: SetLoggedModelTagsRequest })
  async setTags(@Param('model_id') modelId: string, @Body() dto: SetLoggedModelTagsRequest) {
    const tags = keyValuesOf(dto.tags);
    await this.access.require(modelId, 'EDIT');
    await this.commands.execute({ type: 'SetLoggedModelTags', modelId, tags });
    return {};
  }

  // MLflow's auth plugin asks for the delete permission here, not the update one.
  @Delete(':model_id/tags/:tag_key')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({})
  async deleteTag(@Param('model_id') modelId: string, @Param('tag_key') key: string) {
    await this.access.require(modelId, 'MANAGE');
    await this.commands.execute({ type: 'DeleteLoggedModelTag', modelId, key });
    return {};
  }

  @Post(':model_id/params')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: LogLoggedModelParamsRequest })
  async logParams(@Param('model_id') modelId: string, @Body() dto: LogLoggedModelParamsRequest) {
    const params = keyValuesOf(dto.params);
    await this.access.require(modelId, 'EDIT');
    await this.commands.execute({ type: 'LogLoggedModelParams', modelId, params });
    return {};
  }

  private async json(row: LoggedModelRow) {
    const [model] = await loggedModelsJson(this.ds, [row]);
    return model;
  }
}
