import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PLATFORM_ROLES } from '@custos/rbac';

/** Body of `POST /api/authz/service-accounts`. Service accounts sign in with API keys only. */
export class CreateServiceAccountDto {
  @IsString()
  @MaxLength(256)
  name!: string;

  @IsOptional()
  @IsArray()
  @IsIn(PLATFORM_ROLES, { each: true })
  platformRoles?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  groups?: string[];
}

/** Body of `PUT /api/authz/users/:userId/platform-roles`. */
export class SetPlatformRolesDto {
  @IsArray()
  @IsIn(PLATFORM_ROLES, { each: true })
  platformRoles!: string[];
}

/** Body of `PUT /api/authz/users/:userId/groups`. */
export class SetGroupsDto {
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  groups!: string[];
}
