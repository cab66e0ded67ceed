import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { MlflowApi, Policy } from '@custos/platform';
import { AuthzError, parsePermission, parseResourceType } from '@custos/authz-domain';
import { RoleCommands } from '../commands/role-commands.service';
import { mlflowAssignmentJson, mlflowRoleJson, mlflowRolePermissionJson, RoleQueries, WORKSPACE } from '../queries/roles.queries';
import { UserQueries } from '../queries/users.queries';
import {
  AddRolePermissionRequest,
  CreateRoleRequest,
  ListRolesRequest,
  RoleAssignmentRequest,
  RoleAssignmentResponse,
  RoleAssignmentsResponse,
  RoleIdRequest,
  RolePermissionIdRequest,
  RolePermissionResponse,
  RolePermissionsResponse,
  RoleResponse,
  RolesResponse,
  UpdateRolePermissionRequest,
  UpdateRoleRequest,
} from '../dtos/mlflow-auth.dto';

const resourceTypeOf = (raw: string) => parseResourceType(raw === 'gateway_endpoint' ? 'gateway_route' : raw);

/**
 * MLflow 3's roles API (`/api/3.0/mlflow/roles/...`) over Custos roles. Custos has one workspace,
 * `default`; MLflow's workspace admins do not exist here, so role management is for admins.
 * Role ids are integers as MLflow's client expects; role-permission and assignment ids are derived
 * from their content, so they are stable.
 */
@Controller(['api/3.0/mlflow/roles', 'ajax-api/3.0/mlflow/roles'])
@Policy(Actions.admin())
export class MlflowRolesController {
  constructor(
    private readonly commands: RoleCommands,
    private readonly roles: RoleQueries,
    private readonly users: UserQueries,
  ) {}

  @Post('create')
  @HttpCode(200)
  @MlflowApi({ body: CreateRoleRequest, response: RoleResponse })
  async create(@Body() dto: CreateRoleRequest) {
    const name = dto.name ?? '';
    if (!name.trim()) throw AuthzError.invalid('Role name cannot be empty.');
    const workspace = dto.workspace ?? '';
    if (!workspace.trim()) throw AuthzError.invalid('Workspace cannot be empty.');
    requireDefaultWorkspace(workspace);
    const roleId = await this.commands.create(name, dto.description, []);
    return { role: mlflowRoleJson(await this.roles.role(roleId)) };
  }

  @Get('get')
  @MlflowApi({ query: RoleIdRequest, response: RoleResponse })
  async get(@Query() q: RoleIdRequest) {
    return { role: mlflowRoleJson(await this.roles.role(q.role_id)) };
  }

  @Get('list')
  @MlflowApi({ query: ListRolesRequest, response: RolesResponse })
  async list(@Query() q: ListRolesRequest) {
    const workspaces = q.workspace ?? [];
    if (workspaces.some((w) => !w.trim())) throw AuthzError.invalid("Parameter 'workspace' must be a non-empty string when provided.");
    if (workspaces.length > 0 && !workspaces.includes(WORKSPACE)) return { roles: [] };
    return { roles: (await this.roles.list()).map(mlflowRoleJson) };
  }

  @Patch('update')
  @HttpCode(200)
  @MlflowApi({ body: UpdateRoleRequest, response: RoleResponse })
  async update(@Body() dto: UpdateRoleRequest) {
    const { role_id: roleId, name, description } = dto;
    if (name === undefined && description === undefined) throw AuthzError.invalid("At least one of 'name' or 'description' must be provided to update a role.");
    await this.commands.execute({ type: 'UpdateRole', roleId, name, description }, name);
    return { role: mlflowRoleJson(await this.roles.role(roleId)) };
  }

  @Delete('delete')
  @HttpCode(200)
  @MlflowApi({ body: RoleIdRequest })
  async delete(@Body() dto: RoleIdRequest) {
    await this.commands.execute({ type: 'DeleteRole', roleId: dto.role_id });
    return {};
  }

  @Post('permissions/add')
  @HttpCode(200)
  @MlflowApi({ body: AddRolePermissionRequest, response: RolePermissionResponse })
  async addPermission(@Body() dto: AddRolePermissionRequest) {
    const roleId = dto.role_id;
    const grant = { resourceType: resourceTypeOf(dto.resource_type), resourcePattern: dto.resource_pattern, permission: parsePermission(dto.permission) };
    await this.commands.execute({ type: 'AddRoleGrant', roleId, grant });
    const added = (await this.roles.permissions([roleId])).find((p) => p.resource_type === grant.resourceType && p.resource_pattern === grant.resourcePattern);
    if (!added) throw AuthzError.notFound(`Role with id=${roleId} not found`);
    return { role_permission: mlflowRolePermissionJson(added) };
  }

  @Delete('permissions/remove')
  @HttpCode(200)
  @MlflowApi({ body: RolePermissionIdRequest })
  async removePermission(@Body() dto: RolePermissionIdRequest) {
    const p = await this.roles.permissionById(dto.role_permission_id);
    await this.commands.execute({ type: 'RemoveRoleGrant', roleId: p.role_id, resourceType: resourceTypeOf(p.resource_type), resourcePattern: p.resource_pattern });
    return {};
  }

  @Get('permissions/list')
  @MlflowApi({ query: RoleIdRequest, response: RolePermissionsResponse })
  async listPermissions(@Query() q: RoleIdRequest) {
    const role = await this.roles.role(q.role_id);
    return { role_permissions: role.permissions.map(mlflowRolePermissionJson) };
  }

  @Patch('permissions/update')
  @HttpCode(200)
  @MlflowApi({ body: UpdateRolePermissionRequest, response: RolePermissionResponse })
  async updatePermission(@Body() dto: UpdateRolePermissionRequest) {
    const p = await this.roles.permissionById(dto.role_permission_id);
    const permission = parsePermission(dto.permission);
    await this.commands.execute({ type: 'UpdateRoleGrant', roleId: p.role_id, resourceType: resourceTypeOf(p.resource_type), resourcePattern: p.resource_pattern, permission });
    return { role_permission: mlflowRolePermissionJson(await this.roles.permissionById(p.id)) };
  }

  @Post('assign')
  @HttpCode(200)
  @MlflowApi({ body: RoleAssignmentRequest, response: RoleAssignmentResponse })
  async assign(@Body() dto: RoleAssignmentRequest) {
    const user = await this.users.byUsername(dto.username);
    const roleId = dto.role_id;
    await this.commands.execute({ type: 'AssignRole', roleId, subject: { kind: 'principal', id: user.user_id } });
    const assignment = (await this.roles.assignments(roleId)).find((a) => a.subject_kind === 'principal' && a.subject_id === user.user_id);
    if (!assignment) throw AuthzError.notFound(`Role with id=${roleId} not found`);
    return { assignment: mlflowAssignmentJson(assignment) };
  }

  @Delete('unassign')
  @HttpCode(200)
  @MlflowApi({ body: RoleAssignmentRequest })
  async unassign(@Body() dto: RoleAssignmentRequest) {
    const user = await this.users.byUsername(dto.username);
    await this.commands.execute({ type: 'UnassignRole', roleId: dto.role_id, subject: { kind: 'principal', id: user.user_id } });
    return {};
  }

  @Get('users/list')
  @MlflowApi({ query: RoleIdRequest, response: RoleAssignmentsResponse })
  async roleUsers(@Query() q: RoleIdRequest) {
    const roleId = q.role_id;
    await this.roles.role(roleId);
    const assignments = (await this.roles.assignments(roleId)).filter((a) => a.subject_kind === 'principal');
    return { assignments: assignments.map(mlflowAssignmentJson) };
  }
}

function requireDefaultWorkspace(workspace: string): void {
  if (workspace !== WORKSPACE) throw AuthzError.invalid(`Custos has a single workspace, '${WORKSPACE}'; got '${workspace}'.`);
}
