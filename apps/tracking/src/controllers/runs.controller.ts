import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { Policy, MlflowApi } from '@custos/platform';
import { RUN_STATUSES, RunStatus } from '@custos/events';
import { MAX_RUN_USER_ID_LENGTH, TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { RunAccess } from '../access/run-access.service';
import { RunCommands } from '../commands/run-commands.service';
import { keyValuesOf, runIdOf, withinLength } from '../http/mlflow-values';
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
  async create(@Body() dto: CreateRunRequest) {
    const experiment = await this.experiments.require(dto.experiment_id, 'EDIT', noExperiment(dto.experiment_id));
    const runId = await this.commands.create({
      experiment,
      // The DTO bounds a sent user_id; the caller's own id, the default, is held to the same bound.
      userId: withinLength(dto.user_id ?? this.experiments.principal().id, 'user_id', MAX_RUN_USER_ID_LENGTH),
      startTime: dto.start_time ?? Date.now(),
      runName: dto.run_name || null,
      tags: keyValuesOf(dto.tags),
    });
    // A new run has no metrics to catch up.
    const { run } = await this.access.require(runId, 'READ');
    const [json] = await runsJson(this.ds, [run]);
    return { run: json };
  }

  @Get('get')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: RunIdRequest, response: RunResponse })
  async get(@Query() q: RunIdRequest) {
    return this.reads.get(runIdOf(q));
  }

  @Post('update')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: UpdateRunRequest, response: UpdateRunResponse })
  async update(@Body() dto: UpdateRunRequest) {
    const runId = runIdOf(dto);
    await this.access.require(runId, 'EDIT');
    await this.commands.execute({
      type: 'UpdateRun',
      runId,
      status: parseRunStatus(dto.status),
      endTime: dto.end_time ?? null,
      runName: dto.run_name || null,
    });
    const { run } = await this.access.require(runId, 'READ');
    return { run_info: runInfoJson(run) };
  }

  @Post('delete')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: RunIdRequest })
  async delete(@Body() dto: RunIdRequest) {
    const runId = runIdOf(dto);
    await this.access.require(runId, 'MANAGE');
    await this.commands.execute({ type: 'DeleteRun', runId });
    return {};
  }

  @Post('restore')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: RunIdRequest })
  async restore(@Body() dto: RunIdRequest) {
    const runId = runIdOf(dto);
    await this.access.require(runId, 'MANAGE');
    await this.commands.execute({ type: 'RestoreRun', runId });
    return {};
  }

  // Searches are open to any caller; the experiments searched are cut down to the readable ones.
  @Get('search')
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ query: SearchRunsRequest, response: SearchRunsResponse })
  searchGet(@Query() q: SearchRunsRequest) {
    return this.search(q);
  }

  @Post('search')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: SearchRunsRequest, response: SearchRunsResponse })
  search(@Body() dto: SearchRunsRequest) {
    return this.reads.search({
      experimentIds: dto.experiment_ids ?? [],
      filter: dto.filter,
      runViewType: dto.run_view_type,
      maxResults: dto.max_results,
      orderBy: dto.order_by ?? [],
      pageToken: dto.page_token,
    });
  }
}
