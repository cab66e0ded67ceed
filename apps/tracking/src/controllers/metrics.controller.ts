import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { mlflowMissing, Policy, MlflowApi } from '@custos/platform';
import { decodePageToken, encodePageToken, GET_METRIC_HISTORY_MAX_RESULTS, TrackingError } from '@custos/tracking-domain';
import { RunAccess } from '../access/run-access.service';
import { runIdOf } from '../http/mlflow-values';
import { metricJson } from '../http/run-json';
import { metricHistory, metricHistoryBulk } from '../queries/metric-history.query';
import { MAX_RUNS_PER_BULK_REQUEST, MetricIntervals } from '../queries/metric-intervals.query';
import { RunMetricsCatchUp } from '../projections/run-metrics-catch-up';
import { GetMetricHistoryBulkIntervalRequest, GetMetricHistoryBulkRequest, GetMetricHistoryRequest, MetricsResponse } from '../dtos/metrics.dto';

@Controller(['api/2.0/mlflow/metrics', 'ajax-api/2.0/mlflow/metrics'])
export class MetricsController {
  constructor(
    private readonly ds: DataSource,
    private readonly access: RunAccess,
    private readonly catchUp: RunMetricsCatchUp,
    private readonly intervals: MetricIntervals,
  ) {}

  /** Without max_results MLflow answers the whole history; with it, pages with a token. */
  @Get('get-history')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetMetricHistoryRequest, response: MetricsResponse })
  async history(@Query() q: GetMetricHistoryRequest) {
    const runId = runIdOf(q);
    const key = q.metric_key;
    const maxResults = q.max_results ?? null;
    if (maxResults !== null && maxResults <= 0) {
      throw TrackingError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer.`);
    }
    const offset = decodePageToken(q.page_token);
    await this.access.require(runId, 'READ');
    await this.catchUp.settleRuns([runId]);
    const rows = await metricHistory(this.ds, runId, key, offset, maxResults === null ? null : maxResults + 1);
    const metrics = rows.slice(0, maxResults ?? rows.length).map((m) => metricJson(m));
    return maxResults !== null && rows.length > maxResults ? { metrics, next_page_token: encodePageToken(offset + maxResults) } : { metrics };
  }

  /** The UI's sampled chart data (also reachable under api/2.0, as MLflow declares it in service.proto). */
  @Get('get-history-bulk-interval')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetMetricHistoryBulkIntervalRequest, response: MetricsResponse })
  bulkInterval(@Query() q: GetMetricHistoryBulkIntervalRequest) {
    return this.intervals.bulkInterval({
      runIds: q.run_ids ?? [],
      metricKey: q.metric_key,
      maxResults: q.max_results,
      startStep: q.start_step,
      endStep: q.end_step,
    });
  }

  /** The UI's unsampled multi-run history (MLflow serves it under ajax-api only; harmless on both). */
  @Get('get-history-bulk')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetMetricHistoryBulkRequest, response: MetricsResponse })
  async bulk(@Query() q: GetMetricHistoryBulkRequest) {
    const runIds = q.run_id ?? [];
    if (runIds.length === 0) throw TrackingError.invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > MAX_RUNS_PER_BULK_REQUEST) {
      throw TrackingError.invalidParameter(`GetMetricHistoryBulk request cannot specify more than ${MAX_RUNS_PER_BULK_REQUEST} run_ids. Received ${runIds.length} run_ids.`);
    }
    if (q.metric_key === undefined) throw TrackingError.invalidParameter('GetMetricHistoryBulk request must specify a metric_key.');
    const key = q.metric_key;
    if (key === '') throw TrackingError.invalidParameter(mlflowMissing('metric_key'));
    const maxResults = Math.min(q.max_results ?? GET_METRIC_HISTORY_MAX_RESULTS, GET_METRIC_HISTORY_MAX_RESULTS);
    if (maxResults < 0) throw TrackingError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied.`);
    for (const runId of runIds) await this.access.require(runId, 'READ');
    await this.catchUp.settleRuns(runIds);
    const rows = await metricHistoryBulk(this.ds, runIds, key, maxResults);
    return { metrics: rows.map((m) => metricJson(m, m.run_id)) };
  }
}
