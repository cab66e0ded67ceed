import { EntityManager } from 'typeorm';
import { ApiKeyIssued, ApiKeyRevoked, EventData, EventEnvelope, UserAdminChanged, UserCreated, UserDeleted, UserGroupsChanged, UserPasswordChanged, UserPlatformRolesChanged } from '@custos/events';

/** Users, service accounts and API keys. Times come from the envelope: when the fact was recorded. */
export async function applyAccountEvent(tx: EntityManager, e: EventEnvelope): Promise<void> {
  const at = e.occurredAt;
  switch (e.type) {
    case UserCreated.type: {
      const d = e.data as EventData<typeof UserCreated>;
      await tx.query(
        `INSERT INTO users (user_id, username, kind, is_admin, platform_roles, groups, has_password, created_at, created_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, '{}', $6, $7, $8, $7)`,
        [d.userId, d.username, d.kind, d.isAdmin, d.platformRoles, d.passwordHash !== null, at, e.metadata.actor.id],
      );
      return;
    }
    case UserPasswordChanged.type: {
      const d = e.data as EventData<typeof UserPasswordChanged>;
      await tx.query(`UPDATE users SET has_password = true, updated_at = $2 WHERE user_id = $1`, [d.userId, at]);
      return;
    }
    case UserAdminChanged.type: {
      const d = e.data as EventData<typeof UserAdminChanged>;
      await tx.query(`UPDATE users SET is_admin = $2, updated_at = $3 WHERE user_id = $1`, [d.userId, d.isAdmin, at]);
      return;
    }
    case UserPlatformRolesChanged.type: {
      const d = e.data as EventData<typeof UserPlatformRolesChanged>;
      await tx.query(`UPDATE users SET platform_roles = $2, updated_at = $3 WHERE user_id = $1`, [d.userId, d.platformRoles, at]);
      return;
    }
    case UserGroupsChanged.type: {
      const d = e.data as EventData<typeof UserGroupsChanged>;
      await tx.query(`UPDATE users SET groups = $2, updated_at = $3 WHERE user_id = $1`, [d.userId, d.groups, at]);
      return;
    }
    case UserDeleted.type: {
      // A deleted principal's grants and role assignments go with it (as in MLflow and in every
      // service's access projection); the username becomes free again. Its keys are revoked by
      // their own events, and the gateway refuses keys of a deleted owner meanwhile.
      const { userId } = e.data as EventData<typeof UserDeleted>;
      await tx.query(`DELETE FROM users WHERE user_id = $1`, [userId]);
      await tx.query(`DELETE FROM grants WHERE subject_kind = 'principal' AND subject_id = $1`, [userId]);
      await tx.query(`DELETE FROM role_assignments WHERE subject_kind = 'principal' AND subject_id = $1`, [userId]);
      return;
    }
    case ApiKeyIssued.type: {
      const d = e.data as EventData<typeof ApiKeyIssued>;
      await tx.query(`INSERT INTO api_keys (key_id, prefix, owner_id, name, scopes, expires_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        d.keyId,
        d.prefix,
        d.ownerId,
        d.name,
        d.scopes,
        d.expiresAt,
        at,
        e.metadata.actor.id,
      ]);
      return;
    }
    case ApiKeyRevoked.type: {
      const d = e.data as EventData<typeof ApiKeyRevoked>;
      await tx.query(`UPDATE api_keys SET revoked_at = $2, revoked_by = $3 WHERE key_id = $1 AND revoked_at IS NULL`, [d.keyId, at, e.metadata.actor.id]);
      return;
    }
  }
}
