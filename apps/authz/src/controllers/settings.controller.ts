import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { AdminApi, Policy } from '@custos/platform';
import { AuthzError, parseResourceType } from '@custos/authz-domain';
import { AuthzAccess } from '../access/authz-access.service';
import { AccessCommands } from '../commands/access-commands.service';
import { AuthFailuresQuery, DefaultPermissionDto, IdentityProviderDto } from '../dtos/settings.dto';
import { GrantDto } from '../dtos/roles.dto';
import { AccessQueries, grantJson } from '../queries/access.queries';
import { UserQueries } from '../queries/users.queries';
import { resolveSubject } from './roles.controller';
import { AuthFailuresResponse, DefaultPermissionResponse, GrantResponse, GrantsResponse, IdentityProviderResponse, IdentityProvidersResponse } from '../dtos/responses.dto';

/**
 * Grants to principals or groups (exact ids and `prefix*` patterns), the default permission,
 * identity providers, and the failed sign-ins seen by the gateway. Admins only.
 */
@Controller('api/authz')
@Policy(Actions.admin())
export class SettingsController {
  constructor(
    private readonly commands: AccessCommands,
    private readonly queries: AccessQueries,
    private readonly users: UserQueries,
    private readonly access: AuthzAccess,
  ) {}

  @Get('grants')
  @AdminApi({ response: GrantsResponse })
  async grants(@Query('subjectKind') subjectKind?: string, @Query('subjectId') subjectId?: string, @Query('resourceType') resourceType?: string, @Query('resourcePattern') resourcePattern?: string) {
    if (resourceType !== undefined) parseResourceType(resourceType);
    return { grants: (await this.queries.grants({ subjectKind, subjectId, resourceType, resourcePattern })).map(grantJson) };
  }

  /** Sets (creates or changes) one grant. */
  @Put('grants')
  @AdminApi({ body: GrantDto, response: GrantResponse })
  async grant(@Body() dto: GrantDto) {
    if (dto.permission === undefined) throw AuthzError.invalid('permission is required to grant.');
    const subject = await resolveSubject(this.users, dto.subject);
    await this.commands.grant({ type: 'SetGrant', subject, resourceType: dto.resourceType, resourcePattern: dto.resourcePattern, permission: dto.permission });
    return { grant: grantJson((await this.queries.grant(subject, dto.resourceType, dto.resourcePattern))!) };
  }

  @Delete('grants')
  @HttpCode(204)
  @AdminApi({ body: GrantDto, status: 204 })
  async revoke(@Body() dto: GrantDto) {
    const subject = await resolveSubject(this.users, dto.subject);
    await this.commands.grant({ type: 'RevokeGrant', subject, resourceType: dto.resourceType, resourcePattern: dto.resourcePattern });
  }

  @Get('settings/default-permission')
  @AdminApi({ response: DefaultPermissionResponse })
  async defaultPermission() {
    return { permission: await this.access.defaultPermission() };
  }

  @Put('settings/default-permission')
  @AdminApi({ body: DefaultPermissionDto, response: DefaultPermissionResponse })
  async setDefaultPermission(@Body() dto: DefaultPermissionDto) {
    await this.commands.settings({ type: 'SetDefaultPermission', permission: dto.permission });
    return { permission: dto.permission };
  }

  @Get('identity-providers')
  @AdminApi({ response: IdentityProvidersResponse })
  async identityProviders() {
    return { identityProviders: await this.queries.identityProviders() };
  }

  @Get('identity-providers/:providerId')
  @AdminApi({ response: IdentityProviderResponse })
  async identityProvider(@Param('providerId') providerId: string) {
    return { identityProvider: await this.queries.identityProvider(providerId) };
  }

  @Put('identity-providers/:providerId')
  @AdminApi({ body: IdentityProviderDto, response: IdentityProviderResponse })
  async configure(@Param('providerId') providerId: string, @Body() dto: IdentityProviderDto) {
    const provider = { providerId, kind: dto.kind, enabled: dto.enabled ?? true, oidc: dto.oidc, ldap: dto.ldap, groupRoleMap: dto.groupRoleMap ?? {} };
    await this.commands.settings({ type: 'ConfigureIdentityProvider', provider });
    return { identityProvider: await this.queries.identityProvider(providerId) };
  }

  @Delete('identity-providers/:providerId')
  @HttpCode(204)
  @AdminApi({ status: 204 })
  async remove(@Param('providerId') providerId: string) {
    await this.commands.settings({ type: 'RemoveIdentityProvider', providerId });
  }

  /** Failed sign-ins per claimed account, from the gateway's denial events (input for lockout). */
  @Get('auth-failures')
  @AdminApi({ response: AuthFailuresResponse })
  async authFailures(@Query() q: AuthFailuresQuery) {
    return { authFailures: await this.queries.authFailures(q.limit) };
  }
}
