import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { Policy, MlflowApi } from '@custos/platform';
import {
  decodePageToken,
  encodePageToken,
  parseExperimentsFilter,
  parseOrderByList,
  SEARCH_MAX_RESULTS_DEFAULT,
  SqlParams,
  TrackingError,
  translateExperimentSearch,
  lifecycleStages,
  validateSearchExperimentsMaxResults,
} from '@custos/tracking-domain';
import { ExperimentAccess, ExperimentRow } from '../access/experiment-access.service';
import { ExperimentCommands } from '../commands/experiment-commands.service';
import { ExperimentLifecycle } from '../commands/experiment-lifecycle.service';
import { parseViewType } from '../http/mlflow-json';
import { keyValuesOf } from '../http/mlflow-values';
import { ExperimentReads, noExperiment } from '../queries/experiment-reads.query';
import {
  CreateExperimentRequest,
  CreateExperimentResponse,
  DeleteExperimentTagRequest,
  ExperimentIdRequest,
  ExperimentResponse,
  GetExperimentByNameRequest,
  GetExperimentRequest,
  SearchExperimentsRequest,
  SearchExperimentsResponse,
  SetExperimentTagRequest,
  UpdateExperimentRequest,
} from '../dtos/experiments.dto';

@Controller(['api/2.0/mlflow/experiments', 'ajax-api/2.0/mlflow/experiments'])
export class ExperimentsController {
  constructor(
    private readonly ds: DataSource,
    private readonly access: ExperimentAccess,
    private readonly commands: ExperimentCommands,
    private readonly lifecycle: ExperimentLifecycle,
    private readonly reads: ExperimentReads,
  ) {}

  // Creating makes the caller the creator (MANAGE); a key must at least be allowed to write experiments.
  @Post('create')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'EDIT' }))
  @MlflowApi({ body: CreateExperimentRequest, response: CreateExperimentResponse })
  async create(@Body() dto: CreateExperimentRequest) {
    const id = await this.commands.create(dto.name, dto.artifact_location, keyValuesOf(dto.tags));
    return { experiment_id: id };
  }

  @Get('get')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetExperimentRequest, response: ExperimentResponse })
  async get(@Query() q: GetExperimentRequest) {
    return this.reads.get(q.experiment_id);
  }

  @Get('get-by-name')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetExperimentByNameRequest, response: ExperimentResponse })
  async getByName(@Query() q: GetExperimentByNameRequest) {
    const name = q.experiment_name;
    const notFound = `Could not find experiment with name '${name}'`;
    const [found] = (await this.ds.query(`SELECT experiment_id FROM experiments WHERE name = $1`, [name])) as { experiment_id: string }[];
    if (!found) throw TrackingError.notFound(notFound);
    const row = await this.access.require(found.experiment_id, 'READ', notFound);
    return { experiment: await this.reads.withTags(row) };
  }

  // Lists are open to any caller and filtered to what the caller may read.
  @Get('search')
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ query: SearchExperimentsRequest, response: SearchExperimentsResponse })
  searchGet(@Query() q: SearchExperimentsRequest) {
    return this.search(q);
  }

  @Post('search')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: SearchExperimentsRequest, response: SearchExperimentsResponse })
  async search(@Body() dto: SearchExperimentsRequest) {
    const maxResults = dto.max_results ?? SEARCH_MAX_RESULTS_DEFAULT;
    validateSearchExperimentsMaxResults(maxResults);
    const offset = decodePageToken(dto.page_token);
    const p = new SqlParams();
    const stages = p.bind(lifecycleStages(parseViewType(dto.view_type)));
    const readable = this.access.readableCondition(p);
    const s = translateExperimentSearch(parseExperimentsFilter(dto.filter), parseOrderByList(dto.order_by ?? [], 'experiments'), p);
    const rows = (await this.ds.query(
      `SELECT e.* FROM experiments e WHERE e.lifecycle_stage = ANY(${stages}::text[]) AND ${readable} AND ${s.where}
       ORDER BY ${s.orderBy} LIMIT ${p.bind(maxResults + 1)} OFFSET ${p.bind(offset)}`,
      p.values,
    )) as ExperimentRow[];
    const page = rows.slice(0, maxResults);
    const experiments = await Promise.all(page.map((row) => this.reads.withTags(row)));
    return rows.length > maxResults ? { experiments, next_page_token: encodePageToken(offset + maxResults) } : { experiments };
  }

  @Post('update')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: UpdateExperimentRequest })
  async update(@Body() dto: UpdateExperimentRequest) {
    const id = dto.experiment_id;
    await this.access.require(id, 'EDIT', noExperiment(id));
    const newName = dto.new_name;
    await this.commands.execute({ type: 'RenameExperiment', experimentId: id, newName }, newName);
    return {};
  }

  @Post('delete')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: ExperimentIdRequest })
  async delete(@Body() dto: ExperimentIdRequest) {
    const id = dto.experiment_id;
    await this.access.require(id, 'MANAGE', noExperiment(id));
    // Cascades to the experiment's runs, as in MLflow.
    await this.lifecycle.delete(id);
    return {};
  }

  @Post('restore')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: ExperimentIdRequest })
  async restore(@Body() dto: ExperimentIdRequest) {
    const id = dto.experiment_id;
    await this.access.require(id, 'MANAGE', noExperiment(id));
    await this.lifecycle.restore(id);
    return {};
  }

  @Post('set-experiment-tag')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: SetExperimentTagRequest })
  async setTag(@Body() dto: SetExperimentTagRequest) {
    const id = dto.experiment_id;
    await this.access.require(id, 'EDIT', noExperiment(id));
    await this.commands.execute({ type: 'SetExperimentTag', experimentId: id, key: dto.key, value: dto.value ?? '' });
    return {};
  }

  @Post('delete-experiment-tag')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: DeleteExperimentTagRequest })
  async deleteTag(@Body() dto: DeleteExperimentTagRequest) {
    const id = dto.experiment_id;
    await this.access.require(id, 'EDIT', noExperiment(id));
    await this.commands.execute({ type: 'DeleteExperimentTag', experimentId: id, key: dto.key });
    return {};
  }
}
