import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PLATFORM_ROLES } from '@custos/rbac';

/** Body of `POST /api/authz/service-accounts`. Service accounts sign in with API keys only. */
export class CreateServiceAccountDto {
  @ApiProperty({ type: String })
  @IsString()
  @MaxLength(256)
  name!: string;

  @ApiPropertyOptional({ type: String, isArray: true, enum: PLATFORM_ROLES })
  @IsOptional()
  @IsArray()
  @IsIn(PLATFORM_ROLES, { each: true })
  platformRoles?: string[];

  @ApiPropertyOptional({ type: String, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  groups?: string[];
}

/** Body of `PUT /api/authz/users/:userId/platform-roles`. */
export class SetPlatformRolesDto {
  @ApiProperty({ type: String, isArray: true, enum: PLATFORM_ROLES })
  @IsArray()
  @IsIn(PLATFORM_ROLES, { each: true })
  platformRoles!: string[];
}

/** Body of `PUT /api/authz/users/:userId/groups`. */
export class SetGroupsDto {
  @ApiProperty({ type: String, isArray: true })
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  groups!: string[];
}
