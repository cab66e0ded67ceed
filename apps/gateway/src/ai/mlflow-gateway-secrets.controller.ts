import { Body, Controller, Delete, Get, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { AiConfigError, invalid } from '@custos/ai-domain';
import { Actions } from '@custos/rbac';
import { MlflowApi, Policy } from '@custos/platform';
import { ForbiddenAuditFilter } from '../proxy/forbidden.filter';
import { AiConfigReads, SecretView } from './ai-config.reads';
import { AiSecretCommands } from './ai-secret-commands.service';
import {
  CreateGatewaySecret,
  DeleteGatewaySecret,
  EmptyResponse,
  GatewaySecretInfo,
  GatewaySecretListResponse,
  GatewaySecretResponse,
  GetGatewaySecretInfo,
  ListGatewaySecretInfos,
  UpdateGatewaySecret,
} from './mlflow-gateway-secrets.dto';

/**
 * MLflow 3's gateway secrets API (`/api/3.0/mlflow/gateway/secrets/*`) over the same commands and
 * read model as `/api/gateway/ai/secrets`: MLflow's shapes in and out, admins only, the value never
 * returned (`masked_values` holds the hint). `auth_config` has no place here (a target's base URL
 * and options hold that), so a non-empty one is refused rather than dropped.
 */
@Controller(['api/3.0/mlflow/gateway/secrets', 'ajax-api/3.0/mlflow/gateway/secrets'])
@Policy(Actions.admin())
@UseFilters(ForbiddenAuditFilter)
export class MlflowGatewaySecretsController {
  constructor(
    private readonly commands: AiSecretCommands,
    private readonly reads: AiConfigReads,
  ) {}

  @Post('create')
  @HttpCode(200)
  @MlflowApi({ body: CreateGatewaySecret, response: GatewaySecretResponse })
  async create(@Body() body: CreateGatewaySecret) {
    noAuthConfig(body.auth_config);
    const secretId = await this.commands.create(body.secret_name, body.provider, body.secret_value ?? {});
    return { secret: await this.info({ secretId }) };
  }

  @Get('get')
  @MlflowApi({ query: GetGatewaySecretInfo, response: GatewaySecretResponse })
  async get(@Query() query: GetGatewaySecretInfo) {
    const { secret_id: secretId, secret_name: secretName } = query;
    if (secretId === undefined && secretName === undefined) throw invalid('Either secret_id or secret_name must be provided');
    return { secret: await this.info(secretId !== undefined ? { secretId } : { secretName: secretName as string }) };
  }

  @Get('list')
  @MlflowApi({ query: ListGatewaySecretInfos, response: GatewaySecretListResponse })
  async list(@Query() query: ListGatewaySecretInfos) {
    const provider = query.provider;
    const all = await this.reads.secrets();
    return { secrets: all.filter((s) => provider === undefined || s.provider === provider).map(toInfo) };
  }

  @Post('update')
  @HttpCode(200)
  @MlflowApi({ body: UpdateGatewaySecret, response: GatewaySecretResponse })
  async update(@Body() body: UpdateGatewaySecret) {
    noAuthConfig(body.auth_config);
    const secretId = body.secret_id;
    const value = body.secret_value ?? {};
    // MLflow: an empty map leaves the value as it is.
    if (Object.keys(value).length > 0) await this.commands.rotate(secretId, value);
    return { secret: await this.info({ secretId }) };
  }

  @Delete('delete')
  @HttpCode(200)
  @MlflowApi({ body: DeleteGatewaySecret, response: EmptyResponse })
  async remove(@Body() body: DeleteGatewaySecret) {
    await this.commands.delete(body.secret_id);
    return {};
  }

  private async info(by: { secretId: string } | { secretName: string }): Promise<GatewaySecretInfo> {
    const found = 'secretId' in by ? await this.reads.secrets(by.secretId.slice(0, 64)) : (await this.reads.secrets()).filter((s) => s.name === by.secretName);
    if (found.length === 0) throw new AiConfigError('RESOURCE_DOES_NOT_EXIST', `Secret ${'secretId' in by ? by.secretId.slice(0, 64) : by.secretName.slice(0, 128)} not found`);
    return toInfo(found[0]);
  }
}

function noAuthConfig(authConfig: Record<string, string> | undefined): void {
  if (Object.keys(authConfig ?? {}).length > 0) {
    throw invalid('auth_config is not supported: give a base URL and provider options on the endpoint target instead');
  }
}

/** The masked hint stands for the field that identifies the credential (Bedrock: the access key id). */
export function toInfo(s: SecretView): GatewaySecretInfo {
  return {
    secret_id: s.secretId,
    secret_name: s.name,
    masked_values: { [s.provider === 'bedrock' ? 'aws_access_key_id' : 'api_key']: s.hint },
    created_at: Date.parse(s.createdAt),
    last_updated_at: Date.parse(s.updatedAt),
    provider: s.provider,
    created_by: s.createdBy,
    last_updated_by: s.updatedBy,
    auth_config: {},
  };
}
