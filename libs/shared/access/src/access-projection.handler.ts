import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { DefaultPermissionSet, EventData, EventEnvelope, PermissionGranted, PermissionRevoked, RoleAssigned, RoleDefined, RoleDeleted, RoleUnassigned, UserDeleted } from '@custos/events';
import { consumedBy } from '@custos/eventing';

const GRANT_EVENTS = [PermissionGranted, PermissionRevoked, RoleDefined, RoleDeleted, RoleAssigned, RoleUnassigned, UserDeleted, DefaultPermissionSet].map((d) => d.type);

/** Applies authz's grant facts to the local access tables (inside the consumer's exactly-once transaction). */
@Controller()
export class AccessProjectionHandler {
  @EventPattern(GRANT_EVENTS, consumedBy('access'))
  async handle(@Payload() e: EventEnvelope, @Ctx() tx: EntityManager): Promise<void> {
    await applyAccessEvent(tx, e);
  }
}

export const ACCESS_EVENT_TYPES: readonly string[] = GRANT_EVENTS;

/** One grant fact into the access tables; false when the event is not one (the gateway's identity consumer applies both kinds). */
export async function applyAccessEvent(tx: EntityManager, e: EventEnvelope): Promise<boolean> {
  switch (e.type) {
    case PermissionGranted.type: {
      const d = e.data as EventData<typeof PermissionGranted>;
      await tx.query(
        `INSERT INTO access_grants (subject_kind, subject_id, resource_type, resource_pattern, permission) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (subject_kind, subject_id, resource_type, resource_pattern) DO UPDATE SET permission = EXCLUDED.permission`,
        [d.subject.kind, d.subject.id, d.resourceType, d.resourcePattern, d.permission],
      );
      return true;
    }
    case PermissionRevoked.type: {
      const d = e.data as EventData<typeof PermissionRevoked>;
      await tx.query(`DELETE FROM access_grants WHERE subject_kind = $1 AND subject_id = $2 AND resource_type = $3 AND resource_pattern = $4`, [
        d.subject.kind,
        d.subject.id,
        d.resourceType,
        d.resourcePattern,
      ]);
      return true;
    }
    case RoleDefined.type: {
      const d = e.data as EventData<typeof RoleDefined>;
      await tx.query(`INSERT INTO access_roles (role_id, name, grants) VALUES ($1, $2, $3) ON CONFLICT (role_id) DO UPDATE SET name = EXCLUDED.name, grants = EXCLUDED.grants`, [
        d.roleId,
        d.name,
        JSON.stringify(d.grants),
      ]);
      return true;
    }
    case RoleDeleted.type: {
      const { roleId } = e.data as EventData<typeof RoleDeleted>;
      await tx.query(`DELETE FROM access_role_assignments WHERE role_id = $1`, [roleId]);
      await tx.query(`DELETE FROM access_roles WHERE role_id = $1`, [roleId]);
      return true;
    }
    case RoleAssigned.type: {
      const d = e.data as EventData<typeof RoleAssigned>;
      await tx.query(`INSERT INTO access_role_assignments (role_id, subject_kind, subject_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [d.roleId, d.subject.kind, d.subject.id]);
      return true;
    }
    case RoleUnassigned.type: {
      const d = e.data as EventData<typeof RoleUnassigned>;
      await tx.query(`DELETE FROM access_role_assignments WHERE role_id = $1 AND subject_kind = $2 AND subject_id = $3`, [d.roleId, d.subject.kind, d.subject.id]);
      return true;
    }
    case UserDeleted.type: {
      const { userId } = e.data as EventData<typeof UserDeleted>;
      await tx.query(`DELETE FROM access_grants WHERE subject_kind = 'principal' AND subject_id = $1`, [userId]);
      await tx.query(`DELETE FROM access_role_assignments WHERE subject_kind = 'principal' AND subject_id = $1`, [userId]);
      return true;
    }
    case DefaultPermissionSet.type: {
      const { permission } = e.data as EventData<typeof DefaultPermissionSet>;
      await tx.query(`INSERT INTO access_settings (key, value) VALUES ('default_permission', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [permission]);
      return true;
    }
  }
  return false;
}
