import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { Policy, MlflowApi } from '@custos/platform';
import { decodePageToken, encodePageToken, SqlParams, TrackingError, validateSearchLoggedModelsMaxResults } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { LoggedModelAccess, LoggedModelRow } from '../access/logged-model-access.service';
import { LoggedModelCommands } from '../commands/logged-model-commands.service';
import { MlflowRequest } from '../http/mlflow-request';
import { parseFinalStatus } from '../http/logged-model-json';
import { asList, asObject, asString, boundedString, toKeyValues } from '../http/mlflow-values';
import { loggedModelsJson } from '../queries/logged-model-details.query';
import { loggedModelFilterSql, loggedModelOrderSql } from '../queries/logged-model-search';
import {
  CreateLoggedModelRequest,
  FinalizeLoggedModelRequest,
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
  async create(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const experimentId = r.string('experiment_id');
    const sourceRunId = r.optionalString('source_run_id') || null;
    const experiment = await this.experiments.require(experimentId, 'EDIT', noExperiment(experimentId));
    // Taken as given, as MLflow does: a label that grants nothing, and checking it would answer
    // differently for a hidden run than for a missing one (decision 033).
    const modelId = await this.commands.create({
      experiment,
      name: r.optionalString('name') ? boundedString(r.raw('name'), 'name', 500) : null,
      modelType: r.optionalString('model_type') ? boundedString(r.raw('model_type'), 'model_type', 500) : null,
      sourceRunId,
      tags: toKeyValues(r.raw('tags'), 'tags'),
      params: toKeyValues(r.raw('params'), 'params'),
    });
    return { model: await this.json(await this.access.require(modelId, 'READ')) };
  }

  @Post('search')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: SearchLoggedModelsRequest, response: SearchLoggedModelsResponse })
  async search(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const requested = r.stringList('experiment_ids');
    if (requested.length === 0) throw TrackingError.invalidParameter(`Missing value for required parameter 'experiment_ids'. See the API docs for more information about request parameters.`);
    const maxResults = r.optionalInt('max_results') || SEARCH_DEFAULT_MAX_RESULTS;
    validateSearchLoggedModelsMaxResults(maxResults);
    const datasets = asList(r.raw('datasets'), 'datasets').map((d, i) => {
      const o = asObject(d, `datasets[${i}]`);
      const name = asString(o.dataset_name, `datasets[${i}].dataset_name`);
      if (!name) throw TrackingError.invalidParameter('`dataset_name` in the `datasets` clause must be specified.');
      const digest = o.dataset_digest === undefined || o.dataset_digest === null ? '' : asString(o.dataset_digest, `datasets[${i}].dataset_digest`);
      return digest ? { name, digest } : { name };
    });
    const order = asList(r.raw('order_by'), 'order_by').map((o, i) => {
      const ob = asObject(o, `order_by[${i}]`);
      const ascending = ob.ascending === undefined || ob.ascending === null ? true : ob.ascending === true || ob.ascending === 'true';
      const datasetName = ob.dataset_name === undefined || ob.dataset_name === null ? '' : asString(ob.dataset_name, `order_by[${i}].dataset_name`);
      const datasetDigest = ob.dataset_digest === undefined || ob.dataset_digest === null ? '' : asString(ob.dataset_digest, `order_by[${i}].dataset_digest`);
      return {
        fieldName: asString(ob.field_name, `order_by[${i}].field_name`),
        ascending,
        ...(datasetName ? { datasetName } : {}),
        ...(datasetDigest ? { datasetDigest } : {}),
      };
    });
    const offset = decodePageToken(r.optionalString('page_token'));
    const p = new SqlParams();
    const ids = p.bind(requested);
    const readable = this.experiments.readableCondition(p);
    const filter = loggedModelFilterSql(r.optionalString('filter'), p, datasets);
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
  @MlflowApi({ response: LoggedModelResponse })
  async get(@Param('model_id') modelId: string, @Req() req: Request) {
    const allowDeleted = String(req.query.allow_deleted ?? 'false').toLowerCase() === 'true';
    return { model: await this.json(await this.access.require(modelId, 'READ', allowDeleted)) };
  }

  @Patch(':model_id')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: FinalizeLoggedModelRequest, response: LoggedModelResponse })
  async finalize(@Param('model_id') modelId: string, @Req() req: Request) {
    const status = parseFinalStatus(new MlflowRequest(req).optionalEnum('status'));
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
  async setTags(@Param('model_id') modelId: string, @Req() req: Request) {
    const tags = toKeyValues(new MlflowRequest(req).raw('tags'), 'tags');
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
  async logParams(@Param('model_id') modelId: string, @Req() req: Request) {
    const params = toKeyValues(new MlflowRequest(req).raw('params'), 'params');
    await this.access.require(modelId, 'EDIT');
    await this.commands.execute({ type: 'LogLoggedModelParams', modelId, params });
    return {};
  }

  private async json(row: LoggedModelRow) {
    const [model] = await loggedModelsJson(this.ds, [row]);
    return model;
  }
}
