import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { actsAsAdmin, authorize, Grant, isPermission, Permission, PolicyContext, Principal, ResourceType } from '@custos/rbac';
import { ApiError, currentContext, SERVICE_CONFIG } from '@custos/platform';
import { AuthzError } from '@custos/authz-domain';
import { AuthzConfig } from '../authz.config';

interface GrantRow {
  subject_kind: 'principal' | 'group';
  subject_id: string;
  resource_type: ResourceType;
  resource_pattern: string;
  permission: Permission;
}

/**
 * Who may do what inside authz. Platform checks (admin) come from the caller's token; resource
 * checks (MANAGE on an experiment to change its permissions) come from authz's own grants, roles and
 * default permission, read from its read models (read-your-writes), plus the creator of the
 * resource as recorded by the resource-owners consumer from tracking's and registry's events.
 */
@Injectable()
export class AuthzAccess {
  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuthzConfig, 'DEFAULT_PERMISSION'>,
  ) {}

  principal(): Principal {
    const p = currentContext()?.principal;
    if (!p) throw new ApiError(401, 'UNAUTHENTICATED', 'no principal');
    return p;
  }

  /** Admin as this credential may act: the admin role, and `admin:manage` when it is a scoped key. */
  isAdmin(p: Principal = this.principal()): boolean {
    return actsAsAdmin(p);
  }

  requireAdmin(): Principal {
    const p = this.principal();
    if (!this.isAdmin(p)) throw AuthzError.denied('Permission denied: requires admin');
    return p;
  }

  async defaultPermission(): Promise<Permission> {
    const [row] = (await this.ds.query(`SELECT value FROM authz_settings WHERE key = 'default_permission'`)) as { value: unknown }[];
    return row && isPermission(row.value) ? row.value : this.config.DEFAULT_PERMISSION;
  }

  /**
   * A principal's direct and group grants plus the grants of roles assigned to it or its groups
   * (attributed to the assignment's subject, as every service's access projection does).
   */
  async policyFor(p: Principal): Promise<PolicyContext> {
    const rows = (await this.ds.query(
      `SELECT subject_kind, subject_id, resource_type, resource_pattern, permission FROM grants
        WHERE (subject_kind = 'principal' AND subject_id = $1) OR (subject_kind = 'group' AND subject_id = ANY($2::text[]))
       UNION ALL
       SELECT a.subject_kind, a.subject_id, rp.resource_type, rp.resource_pattern, rp.permission
         FROM role_assignments a JOIN role_permissions rp USING (role_id)
        WHERE (a.subject_kind = 'principal' AND a.subject_id = $1) OR (a.subject_kind = 'group' AND a.subject_id = ANY($2::text[]))`,
      [p.id, [...p.groups]],
    )) as GrantRow[];
    const grants: Grant[] = rows.map((r) => ({ subject: { kind: r.subject_kind, id: r.subject_id }, resourceType: r.resource_type, resourcePattern: r.resource_pattern, permission: r.permission }));
    return { grants, defaultPermission: await this.defaultPermission() };
  }

  async ownerOf(type: ResourceType, id: string): Promise<string | undefined> {
    const [row] = (await this.ds.query(`SELECT owner_id FROM resource_owners WHERE resource_type = $1 AND resource_id = $2`, [type, id])) as { owner_id: string }[];
    return row?.owner_id;
  }

  /** What `userId` created, each held with MANAGE as its creator. */
  async owned(userId: string): Promise<{ resource_type: ResourceType; resource_id: string }[]> {
    return (await this.ds.query(`SELECT resource_type, resource_id FROM resource_owners WHERE owner_id = $1 ORDER BY resource_type, resource_id`, [userId])) as {
      resource_type: ResourceType;
      resource_id: string;
    }[];
  }

  /** What `p` holds on a resource, by the same rule every service applies. */
  async effective(p: Principal, type: ResourceType, id: string): Promise<{ allowed: boolean; permission: Permission; reason: string }> {
    const resource = { type, id, ownerId: await this.ownerOf(type, id) };
    const decision = authorize(p, { kind: 'resource', resourceType: type, permission: 'MANAGE' }, resource, await this.policyFor(p));
    return { allowed: decision.allowed, permission: decision.effective ?? 'NO_PERMISSIONS', reason: decision.reason };
  }

  /** MLflow's `validate_can_manage_*`: changing who may access a resource needs MANAGE on it. */
  async requireManage(type: ResourceType, id: string): Promise<void> {
    // No admin shortcut: `authorize` gives admins MANAGE, capped like anyone's by a scoped key.
    const { allowed, reason } = await this.effective(this.principal(), type, id);
    if (!allowed) throw AuthzError.denied(`Permission denied: ${reason}`);
  }
}
