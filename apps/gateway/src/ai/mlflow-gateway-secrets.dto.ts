import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isUnset, MlflowCheck, MlflowString } from '@custos/platform';

/** A proto `map<string, string>`; its refusal never quotes the value (it may hold a secret). */
const StringMap = () => MlflowCheck('stringMap', (v) => isUnset(v) || (typeof v === 'object' && !Array.isArray(v)), "Invalid value for parameter '{path}': expected an object of string values.");

/** MLflow 3's gateway secret messages (`mlflow/protos/service.proto`), as its REST API carries them. */
export class GatewaySecretInfo {
  @ApiProperty({ type: String })
  secret_id!: string;

  @ApiProperty({ type: String })
  secret_name!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'the masked hint of the identifying field, e.g. {"api_key": "sk-...abcd"}' })
  masked_values!: Record<string, string>;

  @ApiProperty({ type: 'integer', format: 'int64' })
  created_at!: number;

  @ApiProperty({ type: 'integer', format: 'int64' })
  last_updated_at!: number;

  @ApiProperty({ type: String })
  provider!: string;

  @ApiProperty({ type: String })
  created_by!: string;

  @ApiProperty({ type: String })
  last_updated_by!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  auth_config!: Record<string, string>;
}

export class CreateGatewaySecret {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  secret_name!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, writeOnly: true })
  @StringMap()
  secret_value!: Record<string, string>;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  provider!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'not supported: must be empty (base URLs and options belong to endpoint targets)' })
  @StringMap()
  auth_config?: Record<string, string>;

  @ApiPropertyOptional({ type: String, description: 'ignored: the authenticated caller is recorded' })
  @MlflowString()
  created_by?: string;
}

export class UpdateGatewaySecret {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  secret_id!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, writeOnly: true, description: 'empty: no change' })
  @StringMap()
  secret_value?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @StringMap()
  auth_config?: Record<string, string>;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  updated_by?: string;
}

export class GetGatewaySecretInfo {
  @ApiPropertyOptional({ type: String })
  @MlflowString()
  secret_id?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  secret_name?: string;
}

export class DeleteGatewaySecret {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  secret_id!: string;
}

export class ListGatewaySecretInfos {
  @ApiPropertyOptional({ type: String })
  @MlflowString()
  provider?: string;
}

export class GatewaySecretResponse {
  @ApiProperty({ type: () => GatewaySecretInfo })
  secret!: GatewaySecretInfo;
}

export class GatewaySecretListResponse {
  @ApiProperty({ type: () => GatewaySecretInfo, isArray: true })
  secrets!: GatewaySecretInfo[];
}

export class EmptyResponse {}
