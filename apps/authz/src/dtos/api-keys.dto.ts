import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { KEY_NAME_MAX_LENGTH, MAX_KEY_SCOPES } from '@custos/authz-domain';

/**
 * Body of `POST /api/authz/api-keys`. Without an owner the key is the caller's own; naming another
 * owner (by id or username) is for admins, e.g. to give a service account its key.
 */
export class IssueApiKeyDto {
  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(KEY_NAME_MAX_LENGTH)
  name?: string;

  /**
   * `<area>:<level>` scopes that cap what the key may do (see @custos/rbac `VALID_SCOPES`): areas
   * experiments, registered_models, gateway_routes (read|use|edit|manage), account (read|manage),
   * audit (read), admin (manage). Omitted or empty: the owner's full rights. Stored canonical (one
   * per area, the strongest); an unknown scope is a 400 listing the valid ones.
   */
  @ApiPropertyOptional({ type: String, isArray: true, example: ['experiments:edit'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_KEY_SCOPES)
  @IsString({ each: true })
  scopes?: string[];

  /** ISO 8601 date-time with offset; omitted or null: the key does not expire. */
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  ownerId?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  ownerUsername?: string;
}
