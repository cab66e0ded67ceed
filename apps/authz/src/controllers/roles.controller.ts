import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { AdminApi, Policy } from '@custos/platform';
import { AuthzError, Subject } from '@custos/authz-domain';
import { RoleCommands } from '../commands/role-commands.service';
import { DefineRoleDto, SubjectDto, UpdateRoleDto } from '../dtos/roles.dto';
import { RoleQueries, roleJson } from '../queries/roles.queries';
import { UserQueries } from '../queries/users.queries';
import { RoleResponseDto, RolesResponseDto } from '../dtos/responses.dto';

/** Custos roles: named sets of grants, assigned to principals or groups. Admins only. */
@Controller('api/authz/roles')
@Policy(Actions.admin())
export class RolesController {
  constructor(
    private readonly commands: RoleCommands,
    private readonly roles: RoleQueries,
    private readonly users: UserQueries,
  ) {}

  @Post()
  @HttpCode(201)
  @AdminApi({ body: DefineRoleDto, status: 201, response: RoleResponseDto })
  async define(@Body() dto: DefineRoleDto) {
    const roleId = await this.commands.create(dto.name, dto.description, dto.grants);
    return { role: roleJson(await this.roles.role(roleId)) };
  }

  @Get()
  @AdminApi({ response: RolesResponseDto })
  async list() {
    return { roles: (await this.roles.list()).map((r) => roleJson(r)) };
  }

  @Get(':roleId')
  @AdminApi({ response: RoleResponseDto })
  async get(@Param('roleId') roleId: string) {
    const role = await this.roles.role(checkedId(roleId));
    return { role: roleJson(role, await this.roles.assignments(role.role_id)) };
  }

  @Put(':roleId')
  @AdminApi({ body: UpdateRoleDto, response: RoleResponseDto })
  async update(@Param('roleId') roleId: string, @Body() dto: UpdateRoleDto) {
    const id = checkedId(roleId);
    await this.commands.execute({ type: 'UpdateRole', roleId: id, name: dto.name, description: dto.description, grants: dto.grants }, dto.name);
    return this.get(id);
  }

  @Delete(':roleId')
  @HttpCode(204)
  @AdminApi({ status: 204 })
  async delete(@Param('roleId') roleId: string) {
    await this.commands.execute({ type: 'DeleteRole', roleId: checkedId(roleId) });
  }

  @Post(':roleId/assignments')
  @HttpCode(201)
  @AdminApi({ body: SubjectDto, status: 201, response: RoleResponseDto })
  async assign(@Param('roleId') roleId: string, @Body() dto: SubjectDto) {
    const id = checkedId(roleId);
    await this.commands.execute({ type: 'AssignRole', roleId: id, subject: await resolveSubject(this.users, dto) });
    return this.get(id);
  }

  @Delete(':roleId/assignments')
  @AdminApi({ body: SubjectDto, response: RoleResponseDto })
  async unassign(@Param('roleId') roleId: string, @Body() dto: SubjectDto) {
    const id = checkedId(roleId);
    await this.commands.execute({ type: 'UnassignRole', roleId: id, subject: await resolveSubject(this.users, dto) });
    return this.get(id);
  }
}

function checkedId(roleId: string): string {
  if (!/^\d{1,16}$/.test(roleId)) throw AuthzError.notFound(`Role with id=${roleId} not found`);
  return String(Number(roleId));
}

/** A principal is named by id or by username (resolved to its id); a group by name. */
export async function resolveSubject(users: UserQueries, dto: SubjectDto): Promise<Subject> {
  if (dto.kind === 'group') {
    if (dto.id === undefined || dto.username !== undefined) throw AuthzError.invalid('A group subject is named by id (the group name).');
    return { kind: 'group', id: dto.id };
  }
  if ((dto.id === undefined) === (dto.username === undefined)) throw AuthzError.invalid('A principal subject is named by id or by username (one of them).');
  return { kind: 'principal', id: dto.username !== undefined ? (await users.byUsername(dto.username)).user_id : dto.id! };
}
