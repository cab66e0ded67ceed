import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthzError } from '@custos/authz-domain';

export interface UserRow {
  user_id: string;
  username: string;
  kind: 'user' | 'service_account';
  is_admin: boolean;
  platform_roles: string[];
  groups: string[];
  has_password: boolean;
  created_at: Date;
  created_by: string;
  updated_at: Date;
}

/** MLflow's User message (`entities.User.to_json`): no hash, not even a redacted one. */
export function mlflowUserJson(u: Pick<UserRow, 'user_id' | 'username' | 'is_admin'>) {
  return { id: u.user_id, username: u.username, is_admin: u.is_admin };
}

/** Custos's admin view of an account. */
export function accountJson(u: UserRow) {
  return {
    userId: u.user_id,
    username: u.username,
    kind: u.kind,
    isAdmin: u.is_admin,
    platformRoles: u.platform_roles,
    groups: u.groups,
    hasPassword: u.has_password,
    createdAt: new Date(u.created_at).toISOString(),
    createdBy: u.created_by,
    updatedAt: new Date(u.updated_at).toISOString(),
  };
}

@Injectable()
export class UserQueries {
  constructor(private readonly ds: DataSource) {}

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const [row] = (await this.ds.query(`SELECT * FROM users WHERE username = $1`, [username])) as UserRow[];
    return row;
  }

  /** MLflow's lookup: unknown usernames are RESOURCE_DOES_NOT_EXIST with MLflow's message. */
  async byUsername(username: string): Promise<UserRow> {
    const row = await this.findByUsername(username);
    if (!row) throw AuthzError.notFound(`User with username=${username} not found`);
    return row;
  }

  async findById(userId: string): Promise<UserRow | undefined> {
    const [row] = (await this.ds.query(`SELECT * FROM users WHERE user_id = $1`, [userId])) as UserRow[];
    return row;
  }

  async byId(userId: string): Promise<UserRow> {
    const row = await this.findById(userId);
    if (!row) throw AuthzError.notFound(`User with id=${userId} not found`);
    return row;
  }

  async list(kind?: UserRow['kind']): Promise<UserRow[]> {
    return (await this.ds.query(`SELECT * FROM users WHERE ($1::text IS NULL OR kind = $1) ORDER BY username`, [kind ?? null])) as UserRow[];
  }
}
