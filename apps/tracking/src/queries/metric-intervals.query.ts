import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { mlflowMissing } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { RunAccess } from '../access/run-access.service';
import { metricJson } from '../http/run-json';
import { RunMetricsCatchUp } from '../projections/run-metrics-catch-up';
import { sampledMetricHistory } from './metric-history.query';

/** MLflow's limits for the chart endpoints (`mlflow/server/handlers.py`). */
export const MAX_RUNS_PER_BULK_REQUEST = 100;
const MAX_RESULTS_PER_RUN = 2500;

export interface BulkIntervalRequest {
  runIds: string[];
  metricKey?: string;
  maxResults?: number;
  startStep?: number;
  endStep?: number;
}

/**
 * The UI's sampled chart data (`get-history-bulk-interval`), for REST and GraphQL alike: every run
 * must be readable (one that is not answers as a missing run), then each run's sample in order.
 */
@Injectable()
export class MetricIntervals {
  constructor(
    private readonly ds: DataSource,
    private readonly access: RunAccess,
    private readonly catchUp: RunMetricsCatchUp,
  ) {}

  async bulkInterval(req: BulkIntervalRequest) {
    const { runIds, metricKey: key } = req;
    if (runIds.length === 0) throw TrackingError.invalidParameter(mlflowMissing('run_ids'));
    if (runIds.length > MAX_RUNS_PER_BULK_REQUEST) {
      throw TrackingError.invalidParameter(`GetMetricHistoryBulkInterval request must specify at most ${MAX_RUNS_PER_BULK_REQUEST} run_ids. Received ${runIds.length} run_ids.`);
    }
    if (key === undefined || key === '') throw TrackingError.invalidParameter(mlflowMissing('metric_key'));
    const maxResults = req.maxResults ?? MAX_RESULTS_PER_RUN;
    if (maxResults < 1 || maxResults > MAX_RESULTS_PER_RUN) throw TrackingError.invalidParameter(`max_results must be between 1 and ${MAX_RESULTS_PER_RUN}.`);
    const { startStep: start, endStep: end } = req;
    if ((start === undefined) !== (end === undefined)) throw TrackingError.invalidParameter('If either start step or end step are specified, both must be specified.');
    if (start !== undefined && end !== undefined && start > end) {
      throw TrackingError.invalidParameter(`end_step must be greater than start_step. Found start_step=${start} and end_step=${end}.`);
    }
    for (const runId of runIds) await this.access.require(runId, 'READ');
    await this.catchUp.settleRuns(runIds);
    const steps = start !== undefined && end !== undefined ? { start, end } : null;
    const metrics = [];
    for (const runId of runIds) {
      for (const m of await sampledMetricHistory(this.ds, runId, key, maxResults, steps)) metrics.push(metricJson(m, runId));
    }
    return { metrics };
  }
}
