import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { Actions, atLeast, PLATFORM_ROLES, PlatformRole, Principal, ResourceType } from '@custos/rbac';
import { MlflowApi, Policy } from '@custos/platform';
import { AuthzError, parsePermission, parseResourceType, validateResourcePattern } from '@custos/authz-domain';
import { AuthzAccess } from '../access/authz-access.service';
import { AccessCommands } from '../commands/access-commands.service';
import { AccessQueries } from '../queries/access.queries';
import { mlflowRoleJson, RoleQueries, WORKSPACE } from '../queries/roles.queries';
import { UserQueries, UserRow } from '../queries/users.queries';
import { creatorPermissionFixed, subjectOf } from './mlflow-permissions.controller';
import { UsernameRequest, UserPermissionsResponse, UserResourcePermissionRequest, UserResourcePermissionResponse, UserResourcePermissionWriteRequest, RolesResponse } from '../dtos/mlflow-auth.dto';

interface PermissionRow {
  role_id: number | null;
  role_name: string;
  workspace: string;
  resource_type: string;
  resource_pattern: string;
  permission: string;
}

/** MLflow 3 calls gateway routes `gateway_endpoint`; Custos calls them `gateway_route`. */
function resourceTypeOf(raw: string): ResourceType {
  return parseResourceType(raw === 'gateway_endpoint' ? 'gateway_route' : raw);
}

export function principalOf(u: UserRow): Principal {
  const roles = u.platform_roles.filter((r): r is PlatformRole => (PLATFORM_ROLES as readonly string[]).includes(r));
  return { id: u.user_id, kind: u.kind, roles: u.is_admin && !roles.includes('admin') ? [...roles, 'admin'] : roles, groups: u.groups };
}

/**
 * MLflow 3's per-user permission API (`/api/3.0/mlflow/users/...`): grant, revoke and check one
 * user's permission on one resource, list a user's permissions, and list a user's roles.
 * Grant and revoke need MANAGE on the resource (a `*` grant needs admin); reads are for the user
 * itself or an admin. Each route decides its resource check in the handler, as the resource type
 * arrives in the request.
 */
@Controller(['api/3.0/mlflow/users', 'ajax-api/3.0/mlflow/users'])
export class MlflowUserPermissionsController {
  constructor(
    private readonly commands: AccessCommands,
    private readonly queries: AccessQueries,
    private readonly users: UserQueries,
    private readonly roles: RoleQueries,
    private readonly access: AuthzAccess,
  ) {}

  @Post('permissions/grant')
  @HttpCode(200)
  @Policy(Actions.authenticated())
  @MlflowApi({ body: UserResourcePermissionWriteRequest })
  async grant(@Body() dto: UserResourcePermissionWriteRequest) {
    const { type, id, user } = await this.manageTarget(dto);
    const permission = parsePermission(dto.permission);
    // MLflow records the creator's MANAGE at creation, so granting the creator finds it there.
    if ((await this.access.ownerOf(type, id)) === user.user_id) throw AuthzError.alreadyExists(`${user.username} already holds MANAGE on ${type} ${id} as its creator.`);
    await this.commands.grant({ type: 'CreateGrant', subject: subjectOf(user), resourceType: type, resourcePattern: id, permission });
    return {};
  }

  @Post('permissions/revoke')
  @HttpCode(200)
  @Policy(Actions.authenticated())
  @MlflowApi({ body: UserResourcePermissionRequest })
  async revoke(@Body() dto: UserResourcePermissionRequest) {
    const { type, id, user } = await this.manageTarget(dto);
    if ((await this.access.ownerOf(type, id)) === user.user_id) throw creatorPermissionFixed(user.username, type.replace('_', ' '), id);
    await this.commands.grant({ type: 'RevokeGrant', subject: subjectOf(user), resourceType: type, resourcePattern: id });
    return {};
  }

  /** The effective permission, resolved as every service resolves it; `allowed` is MLflow's `can_use`. */
  @Get('permissions/get')
  @Policy(Actions.authenticated({ area: 'account', level: 'READ' }))
  @MlflowApi({ query: UserResourcePermissionRequest, response: UserResourcePermissionResponse })
  async get(@Query() q: UserResourcePermissionRequest) {
    const type = resourceTypeOf(q.resource_type);
    const id = q.resource_id;
    const user = await this.selfOrAdmin(q.username);
    const { permission } = await this.access.effective(principalOf(user), type, id);
    return { allowed: atLeast(permission, 'USE'), permission };
  }

  @Get('permissions/list')
  @Policy(Actions.authenticated({ area: 'account', level: 'READ' }))
  @MlflowApi({ query: UsernameRequest, response: UserPermissionsResponse })
  async list(@Query() q: UsernameRequest) {
    const user = await this.selfOrAdmin(q.username);
    return this.permissionsOf(user);
  }

  @Get('current/permissions')
  @Policy(Actions.authenticated({ area: 'account', level: 'READ' }))
  @MlflowApi({ response: UserPermissionsResponse })
  async current() {
    const p = this.access.principal();
    const user = await this.users.findById(p.id);
    if (!user) return { is_admin: this.access.isAdmin(p), permissions: [] };
    return this.permissionsOf(user);
  }

  @Get('roles/list')
  @Policy(Actions.authenticated({ area: 'account', level: 'READ' }))
  @MlflowApi({ query: UsernameRequest, response: RolesResponse })
  async userRoles(@Query() q: UsernameRequest) {
    const user = await this.selfOrAdmin(q.username);
    return { roles: (await this.roles.rolesOf(user.user_id, user.groups)).map(mlflowRoleJson) };
  }

  /**
   * Rows as MLflow's `_UserRolePermissionRow`: direct grants appear under the synthetic role name
   * MLflow uses for them (`__user_<id>__`, role_id null), role grants under their role. What the
   * user created appears as a direct MANAGE, as MLflow records it at creation (ownership wins over
   * a direct grant on the same resource, so that grant is not shown).
   */
  private async permissionsOf(user: UserRow) {
    const owned = await this.access.owned(user.user_id);
    const isOwned = new Set(owned.map((o) => `${o.resource_type}\u0000${o.resource_id}`));
    const direct = (await this.queries.grants({ subjectKind: 'principal', subjectId: user.user_id })).filter((g) => !isOwned.has(`${g.resource_type}\u0000${g.resource_pattern}`));
    const own = (resource_type: string, resource_pattern: string, permission: string): PermissionRow => ({
      role_id: null,
      role_name: `__user_${user.user_id}__`,
      workspace: WORKSPACE,
      resource_type,
      resource_pattern,
      permission,
    });
    const rows: PermissionRow[] = [...owned.map((o) => own(o.resource_type, o.resource_id, 'MANAGE')), ...direct.map((g) => own(g.resource_type, g.resource_pattern, g.permission))];
    for (const role of await this.roles.rolesOf(user.user_id, user.groups)) {
      for (const p of role.permissions) {
        rows.push({ role_id: Number(role.role_id), role_name: role.name, workspace: WORKSPACE, resource_type: p.resource_type, resource_pattern: p.resource_pattern, permission: p.permission });
      }
    }
    return { is_admin: user.is_admin, permissions: rows };
  }

  private async manageTarget(dto: UserResourcePermissionRequest) {
    const type = resourceTypeOf(dto.resource_type);
    const id = dto.resource_id;
    validateResourcePattern(id);
    // A wildcard is attached to no resource, so there is no resource MANAGE to check: admins only.
    if (id.endsWith('*')) this.access.requireAdmin();
    else await this.access.requireManage(type, id);
    return { type, id, user: await this.users.byUsername(dto.username) };
  }

  private async selfOrAdmin(username: string): Promise<UserRow> {
    const p = this.access.principal();
    if (!this.access.isAdmin(p)) {
      const caller = await this.users.findById(p.id);
      if (caller?.username !== username) throw AuthzError.denied('Permission denied');
    }
    return this.users.byUsername(username);
  }
}
