import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { authorize, Actions, Permission, PolicyContext, Principal, atLeast } from '@custos/rbac';
import { ApiError, currentContext } from '@custos/platform';
import { atLeastSql, permissionRankSql } from '@custos/access';
import { Sql, SqlParamsLike } from './sql-types';

export interface ExperimentRow {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: string;
  last_update_time: string;
  owner_id: string;
}

/**
 * Object-level authorization for everything that lives under an experiment (runs, metrics,
 * artifacts, logged models). A caller who may not READ the experiment gets the same answer as for
 * one that does not exist; a reader who lacks the needed level gets PERMISSION_DENIED. The caller's
 * grants were loaded into the request context by the guard (from tracking's projection of authz).
 */
@Injectable()
export class ExperimentAccess {
  constructor(private readonly ds: DataSource) {}

  principal(): Principal {
    const p = currentContext()?.principal;
    if (!p) throw new ApiError(401, 'UNAUTHENTICATED', 'no principal');
    return p;
  }

  /** Loads the experiment and checks `permission` on it; `notFoundMessage` is what a stranger sees. */
  async require(experimentId: string, permission: Permission, notFoundMessage: string, sql: Sql = this.ds): Promise<ExperimentRow> {
    const [row] = (await sql.query(`SELECT * FROM experiments WHERE experiment_id = $1`, [experimentId])) as ExperimentRow[];
    return this.check(row, permission, notFoundMessage);
  }

  /** `require` for an experiment row the caller already read (or its absence). */
  check(row: ExperimentRow | undefined, permission: Permission, notFoundMessage: string): ExperimentRow {
    if (!row) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', notFoundMessage);
    const decision = authorize(this.principal(), Actions.onExperiment(permission), { type: 'experiment', id: row.experiment_id, ownerId: row.owner_id }, this.policy());
    if (decision.allowed) return row;
    if (!decision.effective || !atLeast(decision.effective, 'READ')) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', notFoundMessage, decision.reason);
    throw new ApiError(403, 'PERMISSION_DENIED', `Permission denied: ${decision.reason}`);
  }

  /**
   * A SQL condition on the experiments alias that keeps only what the caller may read, so searches
   * and lists filter in the database instead of leaking counts or ids.
   */
  readableCondition(params: SqlParamsLike, alias = 'e'): string {
    const rankExpr = permissionRankSql(this.principal(), this.policy(), 'experiment', `${alias}.experiment_id`, `${alias}.owner_id`, params);
    return atLeastSql(rankExpr, 'READ');
  }

  /** The ids among `requested` the caller may read (searches over named experiments drop the rest). */
  async readableIds(requested: readonly string[], sql: Sql = this.ds): Promise<string[]> {
    if (requested.length === 0) return [];
    const params: unknown[] = [[...requested]];
    const readable = this.readableCondition({ bind: (value: unknown) => `$${params.push(value)}` });
    const rows = (await sql.query(`SELECT e.experiment_id FROM experiments e WHERE e.experiment_id = ANY($1::text[]) AND ${readable}`, params)) as { experiment_id: string }[];
    return rows.map((row) => row.experiment_id);
  }

  private policy(): PolicyContext {
    // No loader ran (e.g. a startup task acting as the system): no grants, nothing by default.
    return currentContext()?.policy ?? { grants: [], defaultPermission: 'NO_PERMISSIONS' };
  }
}
