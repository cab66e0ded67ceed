import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional } from 'class-validator';
import { PERMISSION_LEVELS } from '@custos/rbac';
import { QueryInteger } from '@custos/platform';

/** Body of `PUT /api/authz/settings/default-permission`. */
export class DefaultPermissionDto {
  @ApiProperty({ type: String, enum: PERMISSION_LEVELS })
  @IsIn(PERMISSION_LEVELS)
  permission!: (typeof PERMISSION_LEVELS)[number];
}

/**
 * Body of `PUT /api/authz/identity-providers/:providerId`. The nested settings are checked against
 * the event schema and the domain's rules (TLS, no secrets: an LDAP bind password is given by the
 * name of the secret that holds it, `ldap.bindPasswordSecretName`).
 */
export class IdentityProviderDto {
  @ApiProperty({ type: String, enum: ['oidc', 'ldap'] })
  @IsIn(['oidc', 'ldap'])
  kind!: 'oidc' | 'ldap';

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'issuer, audience, client id, claim names' })
  @IsOptional()
  @IsObject()
  oidc?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'url, bind DN, bindPasswordSecretName, search base and filter' })
  @IsOptional()
  @IsObject()
  ldap?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  @IsOptional()
  @IsObject()
  groupRoleMap?: Record<string, string[]>;
}

/** Query of `GET /api/authz/auth-failures`: how many accounts, most failures first. */
export class AuthFailuresQuery {
  @QueryInteger({ min: 1, max: 1000 })
  limit: number = 100;
}
