import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PERMISSION_LEVELS, RESOURCE_TYPES } from '@custos/rbac';
import { MAX_ROLE_GRANTS, RESOURCE_PATTERN_MAX_LENGTH, ROLE_DESCRIPTION_MAX_LENGTH, ROLE_NAME_MAX_LENGTH } from '@custos/authz-domain';

export class GrantSpecDto {
  @ApiProperty({ type: String, enum: RESOURCE_TYPES })
  @IsIn(RESOURCE_TYPES)
  resourceType!: (typeof RESOURCE_TYPES)[number];

  @ApiProperty({ type: String, description: 'an id, `*`, or a prefix ending in `*`' })
  @IsString()
  @MaxLength(RESOURCE_PATTERN_MAX_LENGTH)
  resourcePattern!: string;

  @ApiProperty({ type: String, enum: PERMISSION_LEVELS })
  @IsIn(PERMISSION_LEVELS)
  permission!: (typeof PERMISSION_LEVELS)[number];
}

/** Body of `POST /api/authz/roles`. */
export class DefineRoleDto {
  @ApiProperty({ type: String })
  @IsString()
  @MaxLength(ROLE_NAME_MAX_LENGTH)
  name!: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(ROLE_DESCRIPTION_MAX_LENGTH)
  description?: string;

  @ApiProperty({ type: () => GrantSpecDto, isArray: true })
  @IsArray()
  @ArrayMaxSize(MAX_ROLE_GRANTS)
  @ValidateNested({ each: true })
  @Type(() => GrantSpecDto)
  grants!: GrantSpecDto[];
}

/** Body of `PUT /api/authz/roles/:roleId`: what is given replaces what was. */
export class UpdateRoleDto {
  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(ROLE_NAME_MAX_LENGTH)
  name?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(ROLE_DESCRIPTION_MAX_LENGTH)
  description?: string;

  @ApiPropertyOptional({ type: () => GrantSpecDto, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ROLE_GRANTS)
  @ValidateNested({ each: true })
  @Type(() => GrantSpecDto)
  grants?: GrantSpecDto[];
}

/** A principal (by user id or username) or a group. */
export class SubjectDto {
  @ApiProperty({ type: String, enum: ['principal', 'group'] })
  @IsIn(['principal', 'group'])
  kind!: 'principal' | 'group';

  /** User id for a principal, group name for a group; or give `username` for a principal. */
  @ApiPropertyOptional({ type: String, description: 'user id for a principal, group name for a group' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  id?: string;

  @ApiPropertyOptional({ type: String, description: 'instead of id, for a principal' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  username?: string;
}

/** Body of `PUT /api/authz/grants` and `DELETE /api/authz/grants`. */
export class GrantDto {
  @ApiProperty({ type: () => SubjectDto })
  @ValidateNested()
  @Type(() => SubjectDto)
  subject!: SubjectDto;

  @ApiProperty({ type: String, enum: RESOURCE_TYPES })
  @IsIn(RESOURCE_TYPES)
  resourceType!: (typeof RESOURCE_TYPES)[number];

  @ApiProperty({ type: String, description: 'an id, `*`, or a prefix ending in `*`' })
  @IsString()
  @MaxLength(RESOURCE_PATTERN_MAX_LENGTH)
  resourcePattern!: string;

  /** Required to grant; ignored to revoke. */
  @ApiPropertyOptional({ type: String, enum: PERMISSION_LEVELS, description: 'required to grant; ignored to revoke' })
  @IsOptional()
  @IsIn(PERMISSION_LEVELS)
  permission?: (typeof PERMISSION_LEVELS)[number];
}
