import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Grant, isPermission, Permission, PolicyContext, Principal, ResourceType } from '@custos/rbac';
import { PolicyContextLoader, SERVICE_CONFIG } from '@custos/platform';

interface GrantRow {
  subject_kind: 'principal' | 'group';
  subject_id: string;
  resource_type: ResourceType;
  resource_pattern: string;
  permission: Permission;
}

/**
 * Loads what the policy needs for one principal: its direct and group grants, the grants of roles
 * assigned to it or its groups (attributed to the assignment's subject), and the default permission
 * (authz's setting, else the service's DEFAULT_PERMISSION, else none).
 */
@Injectable()
export class GrantsPolicyLoader implements PolicyContextLoader {
  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: { DEFAULT_PERMISSION?: Permission },
  ) {}

  /** One round trip on every request: the grants and the default permission together. */
  async load(p: Principal): Promise<PolicyContext> {
    const rows = (await this.ds.query(
      `WITH g AS (
         SELECT subject_kind, subject_id, resource_type, resource_pattern, permission FROM access_grants
          WHERE (subject_kind = 'principal' AND subject_id = $1) OR (subject_kind = 'group' AND subject_id = ANY($2::text[]))
         UNION ALL
         SELECT a.subject_kind, a.subject_id, g->>'resourceType', g->>'resourcePattern', g->>'permission'
           FROM access_role_assignments a JOIN access_roles r USING (role_id), jsonb_array_elements(r.grants) g
          WHERE (a.subject_kind = 'principal' AND a.subject_id = $1) OR (a.subject_kind = 'group' AND a.subject_id = ANY($2::text[])))
       SELECT s.default_permission, g.* FROM (SELECT (SELECT value FROM access_settings WHERE key = 'default_permission') AS default_permission) s
         LEFT JOIN g ON true`,
      [p.id, [...p.groups]],
    )) as (GrantRow & { default_permission: string | null })[];
    const setting = rows[0]?.default_permission;
    const grants: Grant[] = rows
      .filter((r) => r.subject_kind !== null)
      .map((r) => ({
        subject: { kind: r.subject_kind, id: r.subject_id },
        resourceType: r.resource_type,
        resourcePattern: r.resource_pattern,
        permission: r.permission,
      }));
    return { grants, defaultPermission: setting && isPermission(setting) ? setting : (this.config.DEFAULT_PERMISSION ?? 'NO_PERMISSIONS') };
  }
}
