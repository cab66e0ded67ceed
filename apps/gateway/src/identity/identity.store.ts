import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod/v4';
import { IdentityProviderConfigured } from '@custos/events';

export interface UserRecord {
  userId: string;
  username: string;
  kind: 'user' | 'service_account';
  isAdmin: boolean;
  platformRoles: string[];
  groups: string[];
  passwordHash: string | null;
}

export interface ApiKeyRecord {
  keyId: string;
  ownerId: string | null;
  scopes: string[];
  expiresAt: Date | null;
  revoked: boolean;
}

const providerEvent = IdentityProviderConfigured.latest;
export type OidcSettings = NonNullable<z.infer<typeof providerEvent>['oidc']>;
export type LdapSettings = NonNullable<z.infer<typeof providerEvent>['ldap']>;

interface ProviderBase {
  providerId: string;
  groupRoleMap: Record<string, string[]>;
}
export type OidcProvider = ProviderBase & { kind: 'oidc'; oidc: OidcSettings };
export type LdapProvider = ProviderBase & { kind: 'ldap'; ldap: LdapSettings };
export type IdentityProvider = OidcProvider | LdapProvider;

interface UserRow {
  user_id: string;
  username: string;
  kind: 'user' | 'service_account';
  is_admin: boolean;
  platform_roles: string[];
  groups: string[];
  password_hash: string | null;
}

const toUser = (r: UserRow): UserRecord => ({
  userId: r.user_id,
  username: r.username,
  kind: r.kind,
  isAdmin: r.is_admin,
  platformRoles: r.platform_roles,
  groups: r.groups,
  passwordHash: r.password_hash,
});

const USER_COLUMNS = 'user_id, username, kind, is_admin, platform_roles, groups, password_hash';

/** Reads of the identity projection. Hot lookups are single indexed rows; results are cached by the authenticator. */
@Injectable()
export class IdentityStore {
  constructor(private readonly ds: DataSource) {}

  /** The live user with that name; undefined when there is none or, transiently, more than one. */
  async activeUserByName(username: string): Promise<UserRecord | undefined> {
    const rows = (await this.ds.query(`SELECT ${USER_COLUMNS} FROM gw_users WHERE username = $1 AND NOT deleted LIMIT 2`, [username])) as UserRow[];
    return rows.length === 1 ? toUser(rows[0]) : undefined;
  }

  async activeUser(userId: string): Promise<UserRecord | undefined> {
    const [row] = (await this.ds.query(`SELECT ${USER_COLUMNS} FROM gw_users WHERE user_id = $1 AND NOT deleted`, [userId])) as UserRow[];
    return row ? toUser(row) : undefined;
  }

  async keyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const rows = (await this.ds.query(`SELECT key_id, owner_id, scopes, expires_at, revoked FROM gw_api_keys WHERE key_hash = $1 LIMIT 2`, [keyHash])) as {
      key_id: string;
      owner_id: string | null;
      scopes: string[];
      expires_at: Date | null;
      revoked: boolean;
    }[];
    // Two keys with one hash cannot both be right: refuse rather than pick.
    if (rows.length !== 1) return undefined;
    const r = rows[0];
    return { keyId: r.key_id, ownerId: r.owner_id, scopes: r.scopes, expiresAt: r.expires_at ? new Date(r.expires_at) : null, revoked: r.revoked };
  }

  /** Enabled providers whose stored settings still parse; a bad row is skipped, never half-applied. */
  async enabledProviders(): Promise<IdentityProvider[]> {
    const rows = (await this.ds.query(`SELECT provider_id, kind, settings, group_role_map FROM gw_identity_providers WHERE enabled ORDER BY provider_id`)) as {
      provider_id: string;
      kind: 'oidc' | 'ldap';
      settings: unknown;
      group_role_map: Record<string, string[]>;
    }[];
    const out: IdentityProvider[] = [];
    for (const r of rows) {
      const base = { providerId: r.provider_id, groupRoleMap: r.group_role_map };
      const shape = providerEvent.shape;
      if (r.kind === 'oidc') {
        const parsed = shape.oidc.unwrap().safeParse(r.settings);
        if (parsed.success) out.push({ ...base, kind: 'oidc', oidc: parsed.data });
      } else {
        const parsed = shape.ldap.unwrap().safeParse(r.settings);
        if (parsed.success) out.push({ ...base, kind: 'ldap', ldap: parsed.data });
      }
    }
    return out;
  }

  async versions(): Promise<Record<string, string>> {
    const rows = (await this.ds.query(`SELECT name, version::text AS version FROM gw_versions`)) as { name: string; version: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.version]));
  }
}
