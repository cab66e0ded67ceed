import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { Policy, MlflowApi } from '@custos/platform';
import { MAX_TAG_VAL_LENGTH, TrackingError, validateBatchLogRequestSize } from '@custos/tracking-domain';
import { LoggedModelAccess } from '../access/logged-model-access.service';
import { RunAccess } from '../access/run-access.service';
import { RunCommands } from '../commands/run-commands.service';
import { MlflowRequest } from '../http/mlflow-request';
import { asList, datasetInputsOf, keyValuesOf, runIdOf, toKeyValues, toMetric } from '../http/mlflow-values';
import { DeleteTagRequest, LogBatchRequest, LogInputsRequest, LogMetricRequest, LogModelRequest, LogOutputsRequest, LogParamRequest, SetTagRequest } from '../dtos/run-data.dto';

const LOGGED_MODELS_TAG = 'mlflow.log-model.history';
const MODEL_JSON_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'];

/**
 * Everything written into a run: metrics, params, tags, inputs, outputs. Each request is one
 * command and so at most one RunDataLogged event (a log-batch of 1000 metrics included); the run
 * decider refuses writes to a deleted run and changed param values.
 */
@Controller(['api/2.0/mlflow/runs', 'ajax-api/2.0/mlflow/runs'])
export class RunDataController {
  constructor(
    private readonly ds: DataSource,
    private readonly access: RunAccess,
    private readonly models: LoggedModelAccess,
    private readonly commands: RunCommands,
  ) {}

  @Post('log-metric')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: LogMetricRequest })
  async logMetric(@Body() dto: LogMetricRequest) {
    // Unset or empty links are none.
    const links = {
      ...(dto.model_id ? { modelId: dto.model_id } : {}),
      ...(dto.dataset_name ? { datasetName: dto.dataset_name } : {}),
      ...(dto.dataset_digest ? { datasetDigest: dto.dataset_digest } : {}),
    };
    const metric = { key: dto.key, value: dto.value, timestamp: dto.timestamp, step: dto.step ?? 0, ...links };
    await this.log(runIdOf(dto), { metrics: [metric] });
    return {};
  }

  @Post('log-parameter')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: LogParamRequest })
  async logParam(@Body() dto: LogParamRequest) {
    await this.log(runIdOf(dto), { params: keyValuesOf([dto]) });
    return {};
  }

  @Post('set-tag')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: SetTagRequest })
  async setTag(@Body() dto: SetTagRequest) {
    await this.log(runIdOf(dto), { tags: keyValuesOf([dto]) });
    return {};
  }

  @Post('delete-tag')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: DeleteTagRequest })
  async deleteTag(@Body() dto: DeleteTagRequest) {
    const runId = runIdOf(dto);
    await this.access.require(runId, 'EDIT');
    await this.commands.execute({ type: 'DeleteRunTag', runId, key: dto.key });
    return {};
  }

  @Post('log-batch')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: LogBatchRequest })
  // The hot path keeps the hand-written reader (decision 041): a 1000-metric body through
  // class-validator costs several times the reader's time.
  async logBatch(@Req() req: Request) {
    validateBatchLogRequestSize(Number(req.headers['content-length'] ?? 0));
    const r = new MlflowRequest(req);
    const runId = r.runId();
    await this.log(runId, {
      metrics: asList(r.raw('metrics'), 'metrics').map((m, i) => toMetric(m, `metrics[${i}]`)),
      params: toKeyValues(r.raw('params'), 'params'),
      tags: toKeyValues(r.raw('tags'), 'tags'),
    });
    return {};
  }

  @Post('log-inputs')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: LogInputsRequest })
  async logInputs(@Body() dto: LogInputsRequest) {
    const runId = runIdOf(dto);
    const datasets = datasetInputsOf(dto.datasets);
    const models = (dto.models ?? []).map((m) => ({ modelId: m.model_id }));
    await this.access.require(runId, 'EDIT');
    await this.models.requireAll(
      models.map((m) => m.modelId),
      'EDIT',
    );
    await this.commands.execute({ type: 'LogRunInputs', runId, datasets, models });
    return {};
  }

  /** MLflow 3's LogOutputs: which logged models a run produced, at which step. */
  @Post('outputs')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: LogOutputsRequest })
  async logOutputs(@Body() dto: LogOutputsRequest) {
    const runId = runIdOf(dto);
    const models = dto.models.map((m) => ({ modelId: m.model_id, step: m.step ?? 0 }));
    await this.access.require(runId, 'EDIT');
    await this.models.requireAll(
      models.map((m) => m.modelId),
      'EDIT',
    );
    await this.commands.execute({ type: 'LogRunOutputs', runId, models });
    return {};
  }

  /**
   * The pre-MLflow-3 model record: appends the model's metadata to the run's
   * `mlflow.log-model.history` tag. The previous value is read outside the command, so two
   * concurrent log-model calls on one run can lose an entry, as they can in MLflow.
   */
  @Post('log-model')
  @HttpCode(200)
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ body: LogModelRequest })
  async logModel(@Body() dto: LogModelRequest) {
    const runId = runIdOf(dto);
    const model = parseModelJson(dto.model_json);
    await this.access.require(runId, 'EDIT');
    const [previous] = (await this.ds.query(`SELECT value FROM run_tags WHERE run_id = $1 AND key = $2`, [runId, LOGGED_MODELS_TAG])) as { value: string }[];
    const history = previous ? parseHistory(previous.value) : [];
    const value = JSON.stringify([...history, model]);
    if ([...value].length > MAX_TAG_VAL_LENGTH) {
      throw TrackingError.invalidParameter(`'${LOGGED_MODELS_TAG}' exceeds the maximum length of ${MAX_TAG_VAL_LENGTH} characters`);
    }
    await this.commands.execute({ type: 'LogRunData', runId, metrics: [], params: [], tags: [{ key: LOGGED_MODELS_TAG, value }] });
    return {};
  }

  private async log(runId: string, data: Partial<{ metrics: ReturnType<typeof toMetric>[]; params: { key: string; value: string }[]; tags: { key: string; value: string }[] }>) {
    await this.access.require(runId, 'EDIT');
    // A metric naming a logged model is that model's metric too: a write to the model.
    await this.models.requireAll(
      (data.metrics ?? []).flatMap((m) => (m.modelId ? [m.modelId] : [])),
      'EDIT',
    );
    await this.commands.execute({ type: 'LogRunData', runId, metrics: data.metrics ?? [], params: data.params ?? [], tags: data.tags ?? [] });
  }
}

function parseModelJson(text: string): Record<string, unknown> {
  let model: unknown;
  try {
    model = JSON.parse(text);
  } catch {
    throw TrackingError.invalidParameter(`Malformed model info. \n ${text} \n is not a valid JSON.`);
  }
  if (typeof model !== 'object' || model === null || Array.isArray(model)) throw TrackingError.invalidParameter(`Malformed model info. \n ${text} \n is not a JSON object.`);
  const lacking = MODEL_JSON_FIELDS.filter((f) => !Object.hasOwn(model as object, f));
  if (lacking.length > 0) throw TrackingError.invalidParameter(`Model json is missing mandatory fields: {${lacking.map((f) => `'${f}'`).join(', ')}}`);
  return model as Record<string, unknown>;
}

function parseHistory(value: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
