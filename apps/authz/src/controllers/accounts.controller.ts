import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { AdminApi, Policy } from '@custos/platform';
import { AuthzError } from '@custos/authz-domain';
import { AuthzAccess } from '../access/authz-access.service';
import { UserCommands } from '../commands/user-commands.service';
import { CreateServiceAccountDto, SetGroupsDto, SetPlatformRolesDto } from '../dtos/accounts.dto';
import { accountJson, UserQueries } from '../queries/users.queries';
import { AccountResponse, AccountsResponse, ServiceAccountResponse, ServiceAccountsResponse } from '../dtos/responses.dto';

/**
 * Custos's account administration: every account with its kind, platform roles and groups, and
 * service accounts (sign in by API key only). Admins only, except reading one's own account.
 */
@Controller('api/authz')
export class AccountsController {
  constructor(
    private readonly users: UserCommands,
    private readonly queries: UserQueries,
    private readonly access: AuthzAccess,
  ) {}

  @Get('users')
  @Policy(Actions.admin())
  @AdminApi({ response: AccountsResponse })
  async list() {
    return { users: (await this.queries.list()).map(accountJson) };
  }

  @Get('users/:userId')
  @Policy(Actions.authenticated({ area: 'account', level: 'READ' }))
  @AdminApi({ response: AccountResponse })
  async get(@Param('userId') userId: string) {
    const p = this.access.principal();
    if (!this.access.isAdmin(p) && p.id !== userId) throw AuthzError.notFound(`User with id=${userId} not found`);
    return { user: accountJson(await this.queries.byId(userId)) };
  }

  @Put('users/:userId/platform-roles')
  @Policy(Actions.admin())
  @AdminApi({ body: SetPlatformRolesDto, response: AccountResponse })
  async setPlatformRoles(@Param('userId') userId: string, @Body() dto: SetPlatformRolesDto) {
    await this.queries.byId(userId);
    await this.users.execute({ type: 'SetPlatformRoles', userId, platformRoles: dto.platformRoles });
    return { user: accountJson(await this.queries.byId(userId)) };
  }

  @Put('users/:userId/groups')
  @Policy(Actions.admin())
  @AdminApi({ body: SetGroupsDto, response: AccountResponse })
  async setGroups(@Param('userId') userId: string, @Body() dto: SetGroupsDto) {
    await this.queries.byId(userId);
    await this.users.execute({ type: 'SetGroups', userId, groups: dto.groups });
    return { user: accountJson(await this.queries.byId(userId)) };
  }

  @Post('service-accounts')
  @HttpCode(201)
  @Policy(Actions.admin())
  @AdminApi({ body: CreateServiceAccountDto, status: 201, response: ServiceAccountResponse })
  async createServiceAccount(@Body() dto: CreateServiceAccountDto) {
    const userId = await this.users.create({ username: dto.name, password: null, kind: 'service_account', platformRoles: dto.platformRoles ?? [] });
    if (dto.groups && dto.groups.length > 0) await this.users.execute({ type: 'SetGroups', userId, groups: dto.groups });
    return { serviceAccount: accountJson(await this.queries.byId(userId)) };
  }

  @Get('service-accounts')
  @Policy(Actions.admin())
  @AdminApi({ response: ServiceAccountsResponse })
  async listServiceAccounts() {
    return { serviceAccounts: (await this.queries.list('service_account')).map(accountJson) };
  }

  @Get('service-accounts/:userId')
  @Policy(Actions.admin())
  @AdminApi({ response: ServiceAccountResponse })
  async getServiceAccount(@Param('userId') userId: string) {
    return { serviceAccount: accountJson(await this.serviceAccount(userId)) };
  }

  /** Deleting the account also revokes its keys (each revocation its own event). */
  @Delete('service-accounts/:userId')
  @HttpCode(204)
  @Policy(Actions.admin())
  @AdminApi({ status: 204 })
  async deleteServiceAccount(@Param('userId') userId: string) {
    await this.serviceAccount(userId);
    await this.users.delete(userId);
  }

  private async serviceAccount(userId: string) {
    const row = await this.queries.findById(userId);
    if (!row || row.kind !== 'service_account') throw AuthzError.notFound(`Service account ${userId} not found`);
    return row;
  }
}
