import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { Request } from 'express';
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
import { MlflowRequest } from '../http/mlflow-request';
import { parseViewType } from '../http/mlflow-json';
import { toKeyValues } from '../http/mlflow-values';
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
  async create(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const name = r.string('name');
    const artifactLocation = r.optionalString('artifact_location');
    const id = await this.commands.create(name, artifactLocation, toKeyValues(r.raw('tags'), 'tags'));
    return { experiment_id: id };
  }

  @Get('get')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetExperimentRequest, response: ExperimentResponse })
  async get(@Req() req: Request) {
    return this.reads.get(new MlflowRequest(req).string('experiment_id'));
  }

  @Get('get-by-name')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetExperimentByNameRequest, response: ExperimentResponse })
  async getByName(@Req() req: Request) {
    const name = new MlflowRequest(req).string('experiment_name');
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
  searchGet(@Req() req: Request) {
    return this.search(req);
  }

  @Post('search')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: SearchExperimentsRequest, response: SearchExperimentsResponse })
  async search(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const maxResults = r.optionalInt('max_results') ?? SEARCH_MAX_RESULTS_DEFAULT;
    validateSearchExperimentsMaxResults(maxResults);
    const offset = decodePageToken(r.optionalString('page_token'));
    const p = new SqlParams();
    const stages = p.bind(lifecycleStages(parseViewType(r.optionalEnum('view_type'))));
    const readable = this.access.readableCondition(p);
    const s = translateExperimentSearch(parseExperimentsFilter(r.optionalString('filter')), parseOrderByList(r.stringList('order_by'), 'experiments'), p);
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
  async update(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const id = r.string('experiment_id');
    await this.access.require(id, 'EDIT', noExperiment(id));
    const newName = r.string('new_name');
    await this.commands.execute({ type: 'RenameExperiment', experimentId: id, newName }, newName);
    return {};
  }

  @Post('delete')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: ExperimentIdRequest })
  async delete(@Req() req: Request) {
    const id = new MlflowRequest(req).string('experiment_id');
    await this.access.require(id, 'MANAGE', noExperiment(id));
    // Cascades to the experiment's runs, as in MLflow.
    await this.lifecycle.delete(id);
    return {};
  }

  @Post('restore')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: ExperimentIdRequest })
  async restore(@Req() req: Request) {
    const id = new MlflowRequest(req).string('experiment_id');
    await this.access.require(id, 'MANAGE', noExperiment(id));
    await this.lifecycle.restore(id);
    return {};
  }

  @Post('set-experiment-tag')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: SetExperimentTagRequest })
  async setTag(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const id = r.string('experiment_id');
    await this.access.require(id, 'EDIT', noExperiment(id));
    await this.commands.execute({ type: 'SetExperimentTag', experimentId: id, key: r.string('key'), value: r.optionalString('value') ?? '' });
    return {};
  }

  @Post('delete-experiment-tag')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: DeleteExperimentTagRequest })
  async deleteTag(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const id = r.string('experiment_id');
    await this.access.require(id, 'EDIT', noExperiment(id));
    await this.commands.execute({ type: 'DeleteExperimentTag', experimentId: id, key: r.string('key') });
    return {};
  }
}
