import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PROVIDERS, TASK_TYPES, UNKNOWN_PARAM_POLICIES } from '@custos/ai-domain';

/**
 * The AI gateway's admin bodies. Shapes and types are checked here; the rules (names, providers,
 * the fields a provider's credential and target need, weights, timeouts) are the deciders'.
 */
export class CreateAiSecretDto {
  @ApiProperty({ type: String, example: 'openai-prod' })
  @IsString()
  @MaxLength(128)
  name!: string;

  @ApiProperty({ type: String, enum: PROVIDERS })
  @IsString()
  @MaxLength(64)
  provider!: string;

  /** A string is the API key; an object names the fields (Bedrock: aws_access_key_id, aws_secret_access_key). Never returned. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }], writeOnly: true })
  @IsDefined()
  value!: string | Record<string, string>;
}

export class RotateAiSecretDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }], writeOnly: true })
  @IsDefined()
  value!: string | Record<string, string>;
}

/** A credential as every read shows it: the masked hint, never the value. */
export class AiSecretDto {
  @ApiProperty({ type: String })
  secretId!: string;

  @ApiProperty({ type: String })
  name!: string;

  @ApiProperty({ type: String, enum: PROVIDERS })
  provider!: string;

  @ApiProperty({ type: String, example: 'sk-...abcd' })
  hint!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String })
  createdBy!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String })
  updatedBy!: string;
}

export class AiSecretListDto {
  @ApiProperty({ type: () => AiSecretDto, isArray: true })
  secrets!: AiSecretDto[];
}

export class AiTargetDto {
  @ApiProperty({ type: String, enum: PROVIDERS })
  @IsString()
  @MaxLength(64)
  provider!: string;

  @ApiProperty({ type: String, description: "the provider's model name (Azure: the deployment)" })
  @IsString()
  @MaxLength(256)
  model!: string;

  @ApiProperty({ type: String })
  @IsString()
  @MaxLength(64)
  secretId!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  baseUrl?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'e.g. api_version (Azure), region (Bedrock)' })
  @IsOptional()
  @IsObject()
  options?: Record<string, string>;

  @ApiPropertyOptional({ type: Number, description: 'share among targets of equal order; default 1' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  weight?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'fallback order, lowest first; default 0' })
  @IsOptional()
  @IsInt()
  order?: number;
}

export class AiTimeoutsDto {
  @ApiProperty({ type: 'integer' })
  @IsInt()
  connectMs!: number;

  @ApiProperty({ type: 'integer' })
  @IsInt()
  firstByteMs!: number;

  @ApiProperty({ type: 'integer' })
  @IsInt()
  idleMs!: number;

  @ApiProperty({ type: 'integer' })
  @IsInt()
  totalMs!: number;
}

export class CreateAiEndpointDto {
  @ApiProperty({ type: String, description: 'what callers pass as `model`' })
  @IsString()
  @MaxLength(128)
  name!: string;

  @ApiProperty({ type: String, enum: TASK_TYPES })
  @IsIn(TASK_TYPES)
  task!: string;

  @ApiProperty({ type: () => AiTargetDto, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => AiTargetDto)
  targets!: AiTargetDto[];

  @ApiPropertyOptional({ type: () => AiTimeoutsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AiTimeoutsDto)
  timeouts?: AiTimeoutsDto;

  @ApiPropertyOptional({ type: String, enum: UNKNOWN_PARAM_POLICIES, description: 'default drop' })
  @IsOptional()
  @IsIn(UNKNOWN_PARAM_POLICIES)
  unknownParams?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  tags?: Record<string, string>;
}

/** Fields left out keep their value; `targets`, `timeouts` and `tags` are replaced whole. */
export class UpdateAiEndpointDto {
  @ApiPropertyOptional({ type: String, enum: TASK_TYPES })
  @IsOptional()
  @IsIn(TASK_TYPES)
  task?: string;

  @ApiPropertyOptional({ type: () => AiTargetDto, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => AiTargetDto)
  targets?: AiTargetDto[];

  @ApiPropertyOptional({ type: () => AiTimeoutsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AiTimeoutsDto)
  timeouts?: AiTimeoutsDto;

  @ApiPropertyOptional({ type: String, enum: UNKNOWN_PARAM_POLICIES })
  @IsOptional()
  @IsIn(UNKNOWN_PARAM_POLICIES)
  unknownParams?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  tags?: Record<string, string>;
}

export class AiTargetViewDto {
  @ApiProperty({ type: String })
  provider!: string;

  @ApiProperty({ type: String })
  model!: string;

  @ApiProperty({ type: String })
  secretId!: string;

  @ApiProperty({ type: String, nullable: true })
  baseUrl!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  options!: Record<string, string>;

  @ApiProperty({ type: Number })
  weight!: number;

  @ApiProperty({ type: 'integer' })
  order!: number;
}

export class AiEndpointDto {
  @ApiProperty({ type: String })
  endpointId!: string;

  @ApiProperty({ type: String })
  name!: string;

  @ApiProperty({ type: String, enum: TASK_TYPES })
  task!: string;

  @ApiProperty({ type: () => AiTargetViewDto, isArray: true })
  targets!: AiTargetViewDto[];

  @ApiProperty({ type: () => AiTimeoutsDto })
  timeouts!: AiTimeoutsDto;

  @ApiProperty({ type: String, enum: UNKNOWN_PARAM_POLICIES })
  unknownParams!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  tags!: Record<string, string>;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String })
  createdBy!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String })
  updatedBy!: string;
}

export class AiEndpointListDto {
  @ApiProperty({ type: () => AiEndpointDto, isArray: true })
  endpoints!: AiEndpointDto[];
}
