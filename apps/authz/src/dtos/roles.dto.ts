import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PERMISSION_LEVELS, RESOURCE_TYPES } from '@custos/rbac';
import { MAX_ROLE_GRANTS, RESOURCE_PATTERN_MAX_LENGTH, ROLE_DESCRIPTION_MAX_LENGTH, ROLE_NAME_MAX_LENGTH } from '@custos/authz-domain';

export class GrantSpecDto {
  @IsIn(RESOURCE_TYPES)
  resourceType!: (typeof RESOURCE_TYPES)[number];

  @IsString()
  @MaxLength(RESOURCE_PATTERN_MAX_LENGTH)
  resourcePattern!: string;

  @IsIn(PERMISSION_LEVELS)
  permission!: (typeof PERMISSION_LEVELS)[number];
}

/** Body of `POST /api/authz/roles`. */
export class DefineRoleDto {
  @IsString()
  @MaxLength(ROLE_NAME_MAX_LENGTH)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(ROLE_DESCRIPTION_MAX_LENGTH)
  description?: string;

  @IsArray()
  @ArrayMaxSize(MAX_ROLE_GRANTS)
  @ValidateNested({ each: true })
  @Type(() => GrantSpecDto)
  grants!: GrantSpecDto[];
}

/** Body of `PUT /api/authz/roles/:roleId`: what is given replaces what was. */
export class UpdateRoleDto {
  @IsOptional()
  @IsString()
  @MaxLength(ROLE_NAME_MAX_LENGTH)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(ROLE_DESCRIPTION_MAX_LENGTH)
  description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ROLE_GRANTS)
  @ValidateNested({ each: true })
  @Type(() => GrantSpecDto)
  grants?: GrantSpecDto[];
}

/** A principal (by user id or username) or a group. */
export class SubjectDto {
  @IsIn(['principal', 'group'])
  kind!: 'principal' | 'group';

  /** User id for a principal, group name for a group; or give `username` for a principal. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  username?: string;
}

/** Body of `PUT /api/authz/grants` and `DELETE /api/authz/grants`. */
export class GrantDto {
  @ValidateNested()
  @Type(() => SubjectDto)
  subject!: SubjectDto;

  @IsIn(RESOURCE_TYPES)
  resourceType!: (typeof RESOURCE_TYPES)[number];

  @IsString()
  @MaxLength(RESOURCE_PATTERN_MAX_LENGTH)
  resourcePattern!: string;

  /** Required to grant; ignored to revoke. */
  @IsOptional()
  @IsIn(PERMISSION_LEVELS)
  permission?: (typeof PERMISSION_LEVELS)[number];
}
