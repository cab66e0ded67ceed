import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildRunSearchQuery, decodePageToken, encodePageToken, parseOrderByList, parseRunsFilter, SEARCH_MAX_RESULTS_DEFAULT, SqlParams, validateSearchRunsMaxResults } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { RunAccess, RunRow } from '../access/run-access.service';
import { parseViewType } from '../http/mlflow-json';
import { RunMetricsCatchUp } from '../projections/run-metrics-catch-up';
import { runsJson } from './run-details.query';

/** SearchRuns' fields as the caller sent them (text still to be parsed: filter, order, view type). */
export interface RunSearchRequest {
  experimentIds: string[];
  filter?: string;
  runViewType?: string;
  maxResults?: number;
  /** `max_results` as the request carried it, for MLflow's message naming its type. */
  maxResultsSent?: unknown;
  orderBy: string[];
  pageToken?: string;
}

/**
 * Reading runs: one run by id and MLflow's SearchRuns, answered as MLflow's Run messages. The REST
 * routes and the GraphQL resolvers both read through here, so both check and filter alike.
 */
@Injectable()
export class RunReads {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
    private readonly access: RunAccess,
    private readonly catchUp: RunMetricsCatchUp,
  ) {}

  /** `runs/get`: a run the caller may not read answers as a missing one. */
  async get(runId: string) {
    const { run } = await this.access.require(runId, 'READ');
    await this.catchUp.settleRuns([run.run_id]);
    const [json] = await runsJson(this.ds, [run]);
    return { run: json };
  }

  /** Searches are open to any caller; the experiments searched are cut down to the readable ones. */
  async search(req: RunSearchRequest) {
    const maxResults = req.maxResults ?? SEARCH_MAX_RESULTS_DEFAULT;
    validateSearchRunsMaxResults(maxResults, req.maxResultsSent ?? maxResults);
    const viewType = parseViewType(req.runViewType);
    const filter = parseRunsFilter(req.filter);
    const orderBy = parseOrderByList(req.orderBy, 'runs');
    const offset = decodePageToken(req.pageToken);
    const experimentIds = await this.readableExperiments(req.experimentIds);
    if (experimentIds.length === 0) return { runs: [] };
    await this.catchUp.settleExperiments(experimentIds);
    const q = buildRunSearchQuery({ experimentIds, viewType, filter, orderBy, offset, limit: maxResults + 1 });
    const rows = (await this.ds.query(q.text, q.values)) as RunRow[];
    const runs = await runsJson(this.ds, rows.slice(0, maxResults));
    return rows.length > maxResults ? { runs, next_page_token: encodePageToken(offset + maxResults) } : { runs };
  }

  /** The requested experiments the caller may read, filtered in SQL. */
  async readableExperiments(requested: string[]): Promise<string[]> {
    if (requested.length === 0) return [];
    const p = new SqlParams();
    const ids = p.bind(requested);
    const readable = this.experiments.readableCondition(p);
    const rows = (await this.ds.query(`SELECT e.experiment_id FROM experiments e WHERE e.experiment_id = ANY(${ids}::text[]) AND ${readable}`, p.values)) as {
      experiment_id: string;
    }[];
    return rows.map((row) => row.experiment_id);
  }
}
