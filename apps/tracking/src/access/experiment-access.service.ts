import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { authorize, Actions, Grant, Permission, Principal, atLeast } from '@custos/rbac';
import { ApiError, currentContext, SERVICE_CONFIG } from '@custos/platform';
import { Sql, SqlParamsLike } from './sql-types';
import { TrackingConfig } from '../tracking.config';

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
 * one that does not exist; a reader who lacks the needed level gets PERMISSION_DENIED.
 */
@Injectable()
export class ExperimentAccess {
  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: TrackingConfig,
  ) {}

  principal(): Principal {
    const p = currentContext()?.principal;
    if (!p) throw new ApiError(401, 'UNAUTHENTICATED', 'no principal');
    return p;
  }

  /** Loads the experiment and checks `permission` on it; `notFoundMessage` is what a stranger sees. */
  async require(experimentId: string, permission: Permission, notFoundMessage: string, sql: Sql = this.ds): Promise<ExperimentRow> {
    const [row] = (await sql.query(`SELECT * FROM experiments WHERE experiment_id = $1`, [experimentId])) as ExperimentRow[];
    if (!row) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', notFoundMessage);
    const principal = this.principal();
    const resource = { type: 'experiment' as const, id: experimentId, ownerId: row.owner_id };
    const ctx = { grants: await this.grantsFor(principal, sql), defaultPermission: this.config.DEFAULT_PERMISSION };
    const decision = authorize(principal, Actions.onExperiment(permission), resource, ctx);
    if (decision.allowed) return row;
    if (!decision.effective || !atLeast(decision.effective, 'READ')) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', notFoundMessage);
    throw new ApiError(403, 'PERMISSION_DENIED', `Permission denied: ${decision.reason}`);
  }

  /**
   * A SQL condition on `e` (experiments) that keeps only what the caller may read, so searches and
   * lists filter in the database instead of leaking counts or ids.
   */
  readableCondition(params: SqlParamsLike, alias = 'e'): string {
    const p = this.principal();
    if (p.roles.includes('admin')) return 'TRUE';
    if (atLeast(this.config.DEFAULT_PERMISSION, 'READ')) return 'TRUE';
    return `${alias}.owner_id = ${params.bind(p.id)}`;
  }

  /**
   * Grants reach tracking as a local projection of authz events (identity issue); until that
   * projection exists the effective permission comes from admin, creator and the default.
   */
  private async grantsFor(_principal: Principal, _sql: Sql): Promise<Grant[]> {
    return [];
  }
}
