import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthzError, Subject } from '@custos/authz-domain';
import { ResourceType } from '@custos/rbac';

export interface GrantRow {
  subject_kind: 'principal' | 'group';
  subject_id: string;
  resource_type: ResourceType;
  resource_pattern: string;
  permission: string;
  updated_at: Date;
}

export interface ApiKeyRow {
  key_id: string;
  prefix: string;
  owner_id: string;
  owner_username: string | null;
  name: string;
  scopes: string[];
  expires_at: Date | null;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

export function grantJson(g: GrantRow) {
  return { subject: { kind: g.subject_kind, id: g.subject_id }, resourceType: g.resource_type, resourcePattern: g.resource_pattern, permission: g.permission, updatedAt: iso(g.updated_at) };
}

/** A key as lists show it: never the secret, never the hash. */
export function apiKeyJson(k: ApiKeyRow, now = Date.now()) {
  const expired = k.expires_at !== null && new Date(k.expires_at).getTime() <= now;
  return {
    keyId: k.key_id,
    prefix: k.prefix,
    ownerId: k.owner_id,
    ownerUsername: k.owner_username,
    name: k.name,
    scopes: k.scopes,
    expiresAt: iso(k.expires_at),
    createdAt: iso(k.created_at),
    createdBy: k.created_by,
    revokedAt: iso(k.revoked_at),
    revokedBy: k.revoked_by,
    status: k.revoked_at !== null ? 'revoked' : expired ? 'expired' : k.owner_username === null ? 'owner_deleted' : 'active',
  };
}

/** Reads of grants, keys, settings and identity providers. */
@Injectable()
export class AccessQueries {
  constructor(private readonly ds: DataSource) {}

  async grant(subject: Subject, type: ResourceType, pattern: string): Promise<GrantRow | undefined> {
    const [row] = (await this.ds.query(`SELECT * FROM grants WHERE subject_kind = $1 AND subject_id = $2 AND resource_type = $3 AND resource_pattern = $4`, [
      subject.kind,
      subject.id,
      type,
      pattern,
    ])) as GrantRow[];
    return row;
  }

  async grants(filter: { subjectKind?: string; subjectId?: string; resourceType?: string; resourcePattern?: string }): Promise<GrantRow[]> {
    return (await this.ds.query(
      `SELECT * FROM grants
        WHERE ($1::text IS NULL OR subject_kind = $1) AND ($2::text IS NULL OR subject_id = $2)
          AND ($3::text IS NULL OR resource_type = $3) AND ($4::text IS NULL OR resource_pattern = $4)
        ORDER BY resource_type, resource_pattern, subject_kind, subject_id LIMIT 10000`,
      [filter.subjectKind ?? null, filter.subjectId ?? null, filter.resourceType ?? null, filter.resourcePattern ?? null],
    )) as GrantRow[];
  }

  async apiKeys(ownerId?: string): Promise<ApiKeyRow[]> {
    return (await this.ds.query(
      `SELECT k.*, u.username AS owner_username FROM api_keys k LEFT JOIN users u ON u.user_id = k.owner_id
        WHERE ($1::text IS NULL OR k.owner_id = $1) ORDER BY k.created_at DESC, k.key_id`,
      [ownerId ?? null],
    )) as ApiKeyRow[];
  }

  async apiKey(keyId: string): Promise<ApiKeyRow | undefined> {
    const [row] = (await this.ds.query(`SELECT k.*, u.username AS owner_username FROM api_keys k LEFT JOIN users u ON u.user_id = k.owner_id WHERE k.key_id = $1`, [keyId])) as ApiKeyRow[];
    return row;
  }

  async identityProviders(): Promise<unknown[]> {
    const rows = (await this.ds.query(`SELECT config, updated_at FROM identity_providers ORDER BY provider_id`)) as { config: object; updated_at: Date }[];
    return rows.map((r) => ({ ...r.config, updatedAt: iso(r.updated_at) }));
  }

  async identityProvider(providerId: string): Promise<unknown> {
    const [row] = (await this.ds.query(`SELECT config, updated_at FROM identity_providers WHERE provider_id = $1`, [providerId])) as { config: object; updated_at: Date }[];
    if (!row) throw AuthzError.notFound(`Identity provider ${providerId} not found`);
    return { ...row.config, updatedAt: iso(row.updated_at) };
  }

  async authFailures(limit: number): Promise<unknown[]> {
    const rows = (await this.ds.query(`SELECT account, failures, last_failure_at, last_client_ip FROM auth_failures ORDER BY last_failure_at DESC LIMIT $1`, [limit])) as {
      account: string;
      failures: number;
      last_failure_at: Date;
      last_client_ip: string | null;
    }[];
    return rows.map((r) => ({ account: r.account, failures: r.failures, lastFailureAt: iso(r.last_failure_at), lastClientIp: r.last_client_ip }));
  }
}
