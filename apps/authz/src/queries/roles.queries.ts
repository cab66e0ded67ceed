import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthzError } from '@custos/authz-domain';

/** Custos has one workspace; MLflow's roles API names it on every role. */
export const WORKSPACE = 'default';

export interface RoleRow {
  role_id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface RolePermissionRow {
  id: string;
  role_id: string;
  position: number;
  resource_type: string;
  resource_pattern: string;
  permission: string;
}

export interface AssignmentRow {
  id: string;
  role_id: string;
  subject_kind: 'principal' | 'group';
  subject_id: string;
  assigned_at: Date;
}

export interface RoleWithPermissions extends RoleRow {
  permissions: RolePermissionRow[];
}

export function mlflowRolePermissionJson(p: RolePermissionRow) {
  return { id: Number(p.id), role_id: Number(p.role_id), resource_type: p.resource_type, resource_pattern: p.resource_pattern, permission: p.permission };
}

/** MLflow 3's Role message. */
export function mlflowRoleJson(r: RoleWithPermissions) {
  return { id: Number(r.role_id), name: r.name, workspace: WORKSPACE, description: r.description, permissions: r.permissions.map(mlflowRolePermissionJson) };
}

export function mlflowAssignmentJson(a: AssignmentRow) {
  return { id: Number(a.id), user_id: a.subject_id, role_id: Number(a.role_id) };
}

/** Custos's admin view of a role. */
export function roleJson(r: RoleWithPermissions, assignments: AssignmentRow[] = []) {
  return {
    roleId: r.role_id,
    name: r.name,
    description: r.description,
    grants: r.permissions.map((p) => ({ resourceType: p.resource_type, resourcePattern: p.resource_pattern, permission: p.permission })),
    assignments: assignments.map((a) => ({ kind: a.subject_kind, id: a.subject_id, assignedAt: new Date(a.assigned_at).toISOString() })),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

@Injectable()
export class RoleQueries {
  constructor(private readonly ds: DataSource) {}

  async role(roleId: string): Promise<RoleWithPermissions> {
    const [row] = (await this.ds.query(`SELECT * FROM roles WHERE role_id = $1`, [roleId])) as RoleRow[];
    if (!row) throw AuthzError.notFound(`Role with id=${roleId} not found`);
    return { ...row, permissions: await this.permissions([roleId]) };
  }

  async list(roleIds?: string[]): Promise<RoleWithPermissions[]> {
    const rows = (await this.ds.query(`SELECT * FROM roles WHERE ($1::text[] IS NULL OR role_id = ANY($1::text[])) ORDER BY role_id::bigint`, [roleIds ?? null])) as RoleRow[];
    const perms = await this.permissions(rows.map((r) => r.role_id));
    return rows.map((r) => ({ ...r, permissions: perms.filter((p) => p.role_id === r.role_id) }));
  }

  async permissions(roleIds: string[]): Promise<RolePermissionRow[]> {
    return (await this.ds.query(`SELECT * FROM role_permissions WHERE role_id = ANY($1::text[]) ORDER BY role_id::bigint, position`, [roleIds])) as RolePermissionRow[];
  }

  async permissionById(id: string): Promise<RolePermissionRow> {
    const [row] = (await this.ds.query(`SELECT * FROM role_permissions WHERE id = $1`, [id])) as RolePermissionRow[];
    if (!row) throw AuthzError.notFound(`Role permission with id=${id} not found`);
    return row;
  }

  async assignments(roleId: string): Promise<AssignmentRow[]> {
    return (await this.ds.query(`SELECT * FROM role_assignments WHERE role_id = $1 ORDER BY subject_kind, subject_id`, [roleId])) as AssignmentRow[];
  }

  /** Roles of many principals in two queries (the admin user list), keyed by user id. */
  async rolesOfAll(users: readonly { user_id: string; groups: readonly string[] }[]): Promise<Map<string, RoleWithPermissions[]>> {
    const out = new Map<string, RoleWithPermissions[]>();
    if (users.length === 0) return out;
    const assignments = (await this.ds.query(`SELECT role_id, subject_kind, subject_id FROM role_assignments`)) as Pick<AssignmentRow, 'role_id' | 'subject_kind' | 'subject_id'>[];
    const roles = new Map((await this.list()).map((r) => [r.role_id, r]));
    for (const u of users) {
      const ids = new Set(assignments.filter((a) => (a.subject_kind === 'principal' ? a.subject_id === u.user_id : u.groups.includes(a.subject_id))).map((a) => a.role_id));
      out.set(
        u.user_id,
        [...ids]
          .map((id) => roles.get(id))
          .filter((r): r is RoleWithPermissions => r !== undefined)
          .sort((a, b) => Number(a.role_id) - Number(b.role_id)),
      );
    }
    return out;
  }

  /** Roles that apply to a principal: assigned to it directly or to one of its groups. */
  async rolesOf(principalId: string, groups: readonly string[]): Promise<RoleWithPermissions[]> {
    const ids = (await this.ds.query(
      `SELECT DISTINCT role_id FROM role_assignments
        WHERE (subject_kind = 'principal' AND subject_id = $1) OR (subject_kind = 'group' AND subject_id = ANY($2::text[]))`,
      [principalId, [...groups]],
    )) as { role_id: string }[];
    return ids.length === 0 ? [] : this.list(ids.map((r) => r.role_id));
  }
}
