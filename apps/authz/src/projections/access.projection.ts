import { EntityManager } from 'typeorm';
import {
  DefaultPermissionSet,
  EventData,
  EventEnvelope,
  IdentityProviderConfigured,
  IdentityProviderRemoved,
  PermissionGranted,
  PermissionRevoked,
  RoleAssigned,
  RoleDefined,
  RoleDeleted,
  RoleUnassigned,
} from '@custos/events';
import { stableId } from './stable-id';

/** Roles, their permissions and assignments, per-resource grants, and platform settings. */
export async function applyAccessEvent(tx: EntityManager, e: EventEnvelope): Promise<void> {
  const at = e.occurredAt;
  switch (e.type) {
    case RoleDefined.type: {
      const d = e.data as EventData<typeof RoleDefined>;
      await tx.query(
        `INSERT INTO roles (role_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (role_id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, updated_at = EXCLUDED.updated_at`,
        [d.roleId, d.name, d.description ?? null, at],
      );
      // The event carries the whole role: replace its permissions.
      await tx.query(`DELETE FROM role_permissions WHERE role_id = $1`, [d.roleId]);
      if (d.grants.length > 0) {
        await tx.query(
          `INSERT INTO role_permissions (id, role_id, position, resource_type, resource_pattern, permission)
           SELECT unnest($1::bigint[]), $2, unnest($3::int[]), unnest($4::text[]), unnest($5::text[]), unnest($6::text[])`,
          [
            d.grants.map((g) => stableId('role-permission', d.roleId, g.resourceType, g.resourcePattern)),
            d.roleId,
            d.grants.map((_, i) => i),
            d.grants.map((g) => g.resourceType),
            d.grants.map((g) => g.resourcePattern),
            d.grants.map((g) => g.permission),
          ],
        );
      }
      return;
    }
    case RoleDeleted.type: {
      const { roleId } = e.data as EventData<typeof RoleDeleted>;
      await tx.query(`DELETE FROM role_assignments WHERE role_id = $1`, [roleId]);
      await tx.query(`DELETE FROM role_permissions WHERE role_id = $1`, [roleId]);
      await tx.query(`DELETE FROM roles WHERE role_id = $1`, [roleId]);
      return;
    }
    case RoleAssigned.type: {
      const d = e.data as EventData<typeof RoleAssigned>;
      await tx.query(`INSERT INTO role_assignments (id, role_id, subject_kind, subject_id, assigned_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [
        stableId('role-assignment', d.roleId, d.subject.kind, d.subject.id),
        d.roleId,
        d.subject.kind,
        d.subject.id,
        at,
      ]);
      return;
    }
    case RoleUnassigned.type: {
      const d = e.data as EventData<typeof RoleUnassigned>;
      await tx.query(`DELETE FROM role_assignments WHERE role_id = $1 AND subject_kind = $2 AND subject_id = $3`, [d.roleId, d.subject.kind, d.subject.id]);
      return;
    }
    case PermissionGranted.type: {
      const d = e.data as EventData<typeof PermissionGranted>;
      await tx.query(
        `INSERT INTO grants (subject_kind, subject_id, resource_type, resource_pattern, permission, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (subject_kind, subject_id, resource_type, resource_pattern) DO UPDATE SET permission = EXCLUDED.permission, updated_at = EXCLUDED.updated_at`,
        [d.subject.kind, d.subject.id, d.resourceType, d.resourcePattern, d.permission, at],
      );
      return;
    }
    case PermissionRevoked.type: {
      const d = e.data as EventData<typeof PermissionRevoked>;
      await tx.query(`DELETE FROM grants WHERE subject_kind = $1 AND subject_id = $2 AND resource_type = $3 AND resource_pattern = $4`, [
        d.subject.kind,
        d.subject.id,
        d.resourceType,
        d.resourcePattern,
      ]);
      return;
    }
    case DefaultPermissionSet.type: {
      const d = e.data as EventData<typeof DefaultPermissionSet>;
      await tx.query(
        `INSERT INTO authz_settings (key, value, updated_at) VALUES ('default_permission', to_jsonb($1::text), $2)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [d.permission, at],
      );
      return;
    }
    case IdentityProviderConfigured.type: {
      const d = e.data as EventData<typeof IdentityProviderConfigured>;
      await tx.query(
        `INSERT INTO identity_providers (provider_id, kind, enabled, config, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (provider_id) DO UPDATE SET kind = EXCLUDED.kind, enabled = EXCLUDED.enabled, config = EXCLUDED.config, updated_at = EXCLUDED.updated_at`,
        [d.providerId, d.kind, d.enabled, JSON.stringify(d), at],
      );
      return;
    }
    case IdentityProviderRemoved.type: {
      const d = e.data as EventData<typeof IdentityProviderRemoved>;
      await tx.query(`DELETE FROM identity_providers WHERE provider_id = $1`, [d.providerId]);
      return;
    }
  }
}
