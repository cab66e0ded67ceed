import { Request } from 'express';
import { eventCatalog } from '@custos/events';
import { CommandExecutor, EventStore } from '@custos/eventing';
import { createLogger, requestContext } from '@custos/platform';
import { Grant, Principal } from '@custos/rbac';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { ExperimentAccess } from '../access/experiment-access.service';
import { LoggedModelAccess } from '../access/logged-model-access.service';
import { RunAccess } from '../access/run-access.service';
import { ExperimentCommands } from '../commands/experiment-commands.service';
import { ExperimentLifecycle } from '../commands/experiment-lifecycle.service';
import { LoggedModelCommands } from '../commands/logged-model-commands.service';
import { RunCommands } from '../commands/run-commands.service';
import { LoggedModelsController } from '../controllers/logged-models.controller';
import { MetricsController } from '../controllers/metrics.controller';
import { RunDataController } from '../controllers/run-data.controller';
import { RunsController } from '../controllers/runs.controller';
import { piped } from './piped-controller';
import { TrackingReadModels1732000000400 } from '../migrations/1732000000400-tracking-read-models';
import { RunsAndLoggedModels1732000000500 } from '../migrations/1732000000500-runs-and-logged-models';
import { LoggedModelMetrics1732000000700 } from '../migrations/1732000000700-logged-model-metrics';
import { MetricHistoryBatches1732000000800 } from '../migrations/1732000000800-metric-history-batches';
import { LatestMetricsHotUpdates1732000000900 } from '../migrations/1732000000900-latest-metrics-hot-updates';
import { RunMetricsPending1732000001100 } from '../migrations/1732000001100-run-metrics-pending';
import { RunMetricsCatchUp } from '../projections/run-metrics-catch-up';
import { TrackingProjection } from '../projections/tracking.projection';
import { ExperimentReads } from '../queries/experiment-reads.query';
import { MetricIntervals } from '../queries/metric-intervals.query';
import { RunReads } from '../queries/run-reads.query';

export const admin: Principal = { id: 'admin', kind: 'user', roles: ['admin'], groups: [] };
export const alice: Principal = { id: 'alice', kind: 'user', roles: [], groups: [] };
export const bob: Principal = { id: 'bob', kind: 'user', roles: [], groups: [] };

/** A request as Express hands it to a controller: GET fields in the query, others in the body. */
export function post(body: Record<string, unknown>, bytes?: number): Request {
  return { method: 'POST', body, query: {}, headers: bytes === undefined ? {} : { 'content-length': String(bytes) } } as unknown as Request;
}

export function get(query: Record<string, unknown>): Request {
  return { method: 'GET', body: undefined, query, headers: {} } as unknown as Request;
}

/**
 * Tracking's write and read side on a fresh database of the real test cluster: the real executor,
 * projection, access checks and controllers, wired as Nest wires them. Callers act as a principal
 * through `as`, like a request that passed the guard (owners, admins, the given grants, default none).
 */
export async function createTrackingFixture(prefix: string) {
  const db: TestDatabase = await createTestDatabase(prefix, [
    TrackingReadModels1732000000400,
    RunsAndLoggedModels1732000000500,
    LoggedModelMetrics1732000000700,
    MetricHistoryBatches1732000000800,
    LatestMetricsHotUpdates1732000000900,
    RunMetricsPending1732000001100,
  ]);
  const ds = db.dataSource;
  const store = new EventStore('tracking', eventCatalog);
  const executor = new CommandExecutor(ds, store);
  const projection = new TrackingProjection();
  const experimentAccess = new ExperimentAccess(ds);
  const runAccess = new RunAccess(ds, experimentAccess);
  const modelAccess = new LoggedModelAccess(ds, experimentAccess);
  const experimentCommands = new ExperimentCommands(ds, executor, projection);
  const catchUp = new RunMetricsCatchUp(ds, store, createLogger('tracking', 'silent'));
  const runCommands = new RunCommands(executor, projection, catchUp);
  const modelCommands = new LoggedModelCommands(executor, projection);
  const lifecycle = new ExperimentLifecycle(ds, experimentCommands, runCommands);
  const runReads = new RunReads(ds, experimentAccess, runAccess, catchUp);
  const metricIntervals = new MetricIntervals(ds, runAccess, catchUp);
  return {
    // Background metric catch-ups finish before the database goes.
    db: { ...db, drop: () => catchUp.whenIdle().then(() => db.drop()) },
    ds,
    store,
    projection,
    experimentCommands,
    runCommands,
    lifecycle,
    catchUp,
    runs: piped(new RunsController(ds, experimentAccess, runAccess, runCommands, runReads)),
    runReads,
    metricIntervals,
    experimentReads: new ExperimentReads(ds, experimentAccess),
    runData: piped(new RunDataController(ds, runAccess, modelAccess, runCommands)),
    metrics: piped(new MetricsController(ds, runAccess, catchUp, metricIntervals)),
    models: piped(new LoggedModelsController(ds, experimentAccess, modelAccess, modelCommands)),
    as<T>(principal: Principal, fn: () => Promise<T>, grants: Grant[] = []): Promise<T> {
      return requestContext.run({ correlationId: `test-${principal.id}`, path: '/api/2.0/mlflow', principal, policy: { grants, defaultPermission: 'NO_PERMISSIONS' } }, fn);
    },
  };
}

export type TrackingFixture = Awaited<ReturnType<typeof createTrackingFixture>>;

/** The error a call fails with, for asserting MLflow's code, status and message. */
export async function failure(p: Promise<unknown>): Promise<{ code: string; httpStatus: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; errorCode?: string; httpStatus: number; message: string };
    return { code: err.errorCode ?? err.code ?? 'UNKNOWN', httpStatus: err.httpStatus, message: err.message };
  }
  throw new Error('expected the call to fail');
}
