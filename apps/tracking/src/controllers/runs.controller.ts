import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { Policy, MlflowApi } from '@custos/platform';
import { RUN_STATUSES, RunStatus } from '@custos/events';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { RunAccess } from '../access/run-access.service';
import { RunCommands } from '../commands/run-commands.service';
import { MlflowRequest } from '../http/mlflow-request';
import { toKeyValues, withinLength } from '../http/mlflow-values';
import { runInfoJson } from '../http/run-json';
import { runsJson } from '../queries/run-details.query';
import { RunReads } from '../queries/run-reads.query';
import { CreateRunRequest, RunIdRequest, RunResponse, SearchRunsRequest, SearchRunsResponse, UpdateRunRequest, UpdateRunResponse } from '../dtos/runs.dto';

const noExperiment = (id: string) => `No Experiment with id=${id} exists`;

/** RunStatus arrives by name or by enum number (1..5). */
function parseRunStatus(v: string | undefined): RunStatus | null {
  if (v === undefined || v === '') return null;
  const byNumber = /^\d+$/.test(v) ? RUN_STATUSES[Number(v) - 1] : undefined;
  const status = byNumber ?? RUN_STATUSES.find((s) => s === v.toUpperCase());
  if (!status) throw TrackingError.invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter 'status' supplied: must be one of ${RUN_STATUSES.join(', ')}.`);
  return status;
}

@Controller(['api/2.0/mlflow/runs', 'ajax-api/2.0/mlflow/runs'])
export class RunsController {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
    private readonly access: RunAccess,
    private readonly commands: RunCommands,
    private readonly reads: RunReads,
  ) {}

  @Post('create')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: CreateRunRequest, response: RunResponse })
  async create(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const experimentId = r.string('experiment_id');
    const experiment = await this.experiments.require(experimentId, 'EDIT', noExperiment(experimentId));
    const runId = await this.commands.create({
      experiment,
      userId: withinLength(r.optionalString('user_id') ?? this.experiments.principal().id, 'user_id', 256),
      startTime: r.optionalInt('start_time') ?? Date.now(),
      runName: r.optionalString('run_name') || null,
      tags: toKeyValues(r.raw('tags'), 'tags'),
    });
    // A new run has no metrics to catch up.
    const { run } = await this.access.require(runId, 'READ');
    const [json] = await runsJson(this.ds, [run]);
    return { run: json };
  }

  @Get('get')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: RunIdRequest, response: RunResponse })
  async get(@Req() req: Request) {
    return this.reads.get(new MlflowRequest(req).runId());
  }

  @Post('update')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: UpdateRunRequest, response: UpdateRunResponse })
  async update(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const runId = r.runId();
    await this.access.require(runId, 'EDIT');
    await this.commands.execute({
      type: 'UpdateRun',
      runId,
      status: parseRunStatus(r.optionalEnum('status')),
      endTime: r.optionalInt('end_time') ?? null,
      runName: r.optionalString('run_name') || null,
    });
    const { run } = await this.access.require(runId, 'READ');
    return { run_info: runInfoJson(run) };
  }

  @Post('delete')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: RunIdRequest })
  async delete(@Req() req: Request) {
    const runId = new MlflowRequest(req).runId();
    await this.access.require(runId, 'MANAGE');
    await this.commands.execute({ type: 'DeleteRun', runId });
    return {};
  }

  @Post('restore')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: RunIdRequest })
  async restore(@Req() req: Request) {
    const runId = new MlflowRequest(req).runId();
    await this.access.require(runId, 'MANAGE');
    await this.commands.execute({ type: 'RestoreRun', runId });
    return {};
  }

  // Searches are open to any caller; the experiments searched are cut down to the readable ones.
  @Get('search')
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ query: SearchRunsRequest, response: SearchRunsResponse })
  searchGet(@Req() req: Request) {
    return this.search(req);
  }

  @Post('search')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: SearchRunsRequest, response: SearchRunsResponse })
  search(@Req() req: Request) {
    const r = new MlflowRequest(req);
    return this.reads.search({
      experimentIds: r.stringList('experiment_ids'),
      filter: r.optionalString('filter'),
      runViewType: r.optionalEnum('run_view_type'),
      maxResults: r.optionalInt('max_results'),
      maxResultsSent: r.raw('max_results'),
      orderBy: r.stringList('order_by'),
      pageToken: r.optionalString('page_token'),
    });
  }
}
