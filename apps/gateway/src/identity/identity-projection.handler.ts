import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import {
  ApiKeyIssued,
  ApiKeyRevoked,
  EventData,
  EventEnvelope,
  IdentityProviderConfigured,
  IdentityProviderRemoved,
  GATEWAY_IDENTITY_EVENT_TYPES,
  UserAdminChanged,
  UserCreated,
  UserDeleted,
  UserGroupsChanged,
  UserPasswordChanged,
  UserPlatformRolesChanged,
} from '@custos/events';
import { consumedBy } from '@custos/eventing';
import { applyAccessEvent } from '@custos/access';
import { bumpVersion } from './versions';

/**
 * Applies authz's identity facts (and its grants, through the shared access tables: the AI endpoint
 * directory decides from them) to the gateway's tables, inside the consumer's exactly-once
 * transaction, and bumps `identity` in `gw_versions` in that same transaction so that every replica
 * drops what it cached. Every statement is an idempotent upsert, and deletions and revocations are
 * sticky (a late or replayed creation never resurrects a deleted user or a revoked key).
 */
@Controller()
export class IdentityProjectionHandler {
  @EventPattern(GATEWAY_IDENTITY_EVENT_TYPES, consumedBy('identity', { batch: true }))
  async handleBatch(@Payload() events: EventEnvelope[], @Ctx() tx: EntityManager): Promise<void> {
    let changed = false;
    for (const e of events) {
      const identity = await applyIdentityEvent(tx, e);
      const access = await applyAccessEvent(tx, e);
      changed = identity || access || changed;
    }
    // Last, so the hot row is locked only for the end of the transaction.
    if (changed) await bumpIdentityVersion(tx);
  }
}

export async function bumpIdentityVersion(tx: EntityManager): Promise<void> {
  await bumpVersion(tx, 'identity');
}

/** Returns whether the event changed anything the gateway authenticates with. */
export async function applyIdentityEvent(tx: EntityManager, e: EventEnvelope): Promise<boolean> {
  const at = e.occurredAt;
  switch (e.type) {
    case UserCreated.type: {
      const d = e.data as EventData<typeof UserCreated>;
      await tx.query(
        `INSERT INTO gw_users (user_id, username, kind, is_admin, platform_roles, password_hash, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id) DO UPDATE SET username = EXCLUDED.username, kind = EXCLUDED.kind, is_admin = EXCLUDED.is_admin,
           platform_roles = EXCLUDED.platform_roles, password_hash = CASE WHEN gw_users.deleted THEN NULL ELSE EXCLUDED.password_hash END,
           updated_at = EXCLUDED.updated_at`,
        [d.userId, d.username, d.kind, d.isAdmin, d.platformRoles, d.passwordHash, at],
      );
      return true;
    }
    case UserPasswordChanged.type: {
      const d = e.data as EventData<typeof UserPasswordChanged>;
      await tx.query(`UPDATE gw_users SET password_hash = $2, updated_at = $3 WHERE user_id = $1 AND NOT deleted`, [d.userId, d.passwordHash, at]);
      return true;
    }
    case UserAdminChanged.type: {
      const d = e.data as EventData<typeof UserAdminChanged>;
      await tx.query(`UPDATE gw_users SET is_admin = $2, updated_at = $3 WHERE user_id = $1`, [d.userId, d.isAdmin, at]);
      return true;
    }
    case UserPlatformRolesChanged.type: {
      const d = e.data as EventData<typeof UserPlatformRolesChanged>;
      await tx.query(`UPDATE gw_users SET platform_roles = $2, updated_at = $3 WHERE user_id = $1`, [d.userId, d.platformRoles, at]);
      return true;
    }
    case UserGroupsChanged.type: {
      const d = e.data as EventData<typeof UserGroupsChanged>;
      await tx.query(`UPDATE gw_users SET groups = $2, updated_at = $3 WHERE user_id = $1`, [d.userId, d.groups, at]);
      return true;
    }
    case UserDeleted.type: {
      const d = e.data as EventData<typeof UserDeleted>;
      // A tombstone even for a user not seen yet, so a creation consumed late stays deleted.
      await tx.query(
        `INSERT INTO gw_users (user_id, username, kind, is_admin, deleted, updated_at) VALUES ($1, '', 'user', false, true, $2)
         ON CONFLICT (user_id) DO UPDATE SET deleted = true, password_hash = NULL, updated_at = EXCLUDED.updated_at`,
        [d.userId, at],
      );
      return true;
    }
    case ApiKeyIssued.type: {
      const d = e.data as EventData<typeof ApiKeyIssued>;
      await tx.query(
        `INSERT INTO gw_api_keys (key_id, prefix, key_hash, owner_id, scopes, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (key_id) DO UPDATE SET prefix = EXCLUDED.prefix, key_hash = EXCLUDED.key_hash, owner_id = EXCLUDED.owner_id,
           scopes = EXCLUDED.scopes, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at`,
        [d.keyId, d.prefix, d.keyHash, d.ownerId, d.scopes, d.expiresAt, at],
      );
      return true;
    }
    case ApiKeyRevoked.type: {
      const d = e.data as EventData<typeof ApiKeyRevoked>;
      await tx.query(
        `INSERT INTO gw_api_keys (key_id, owner_id, revoked, updated_at) VALUES ($1, $2, true, $3)
         ON CONFLICT (key_id) DO UPDATE SET revoked = true, updated_at = EXCLUDED.updated_at`,
        [d.keyId, d.ownerId, at],
      );
      return true;
    }
    case IdentityProviderConfigured.type: {
      const d = e.data as EventData<typeof IdentityProviderConfigured>;
      const settings = d.kind === 'oidc' ? (d.oidc ?? null) : (d.ldap ?? null);
      await tx.query(
        `INSERT INTO gw_identity_providers (provider_id, kind, enabled, settings, group_role_map, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (provider_id) DO UPDATE SET kind = EXCLUDED.kind, enabled = EXCLUDED.enabled, settings = EXCLUDED.settings,
           group_role_map = EXCLUDED.group_role_map, updated_at = EXCLUDED.updated_at`,
        [d.providerId, d.kind, d.enabled && settings !== null, JSON.stringify(settings ?? {}), JSON.stringify(d.groupRoleMap), at],
      );
      return true;
    }
    case IdentityProviderRemoved.type: {
      const d = e.data as EventData<typeof IdentityProviderRemoved>;
      await tx.query(`DELETE FROM gw_identity_providers WHERE provider_id = $1`, [d.providerId]);
      return true;
    }
    default:
      return false;
  }
}
