import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseFilters } from '@nestjs/common';
import { AiConfigError, invalid } from '@custos/ai-domain';
import { Actions } from '@custos/rbac';
import { AdminApi, Policy } from '@custos/platform';
import { ForbiddenAuditFilter } from '../proxy/forbidden.filter';
import { AiSecretDto, AiSecretListDto, CreateAiSecretDto, RotateAiSecretDto } from './ai-config.dto';
import { AiConfigReads, SecretView } from './ai-config.reads';
import { AiSecretCommands, CredentialValue } from './ai-secret-commands.service';

/**
 * Provider credentials, for admins only. Every answer shows the masked hint; the value goes in
 * (create, rotate) and never comes out, here or in any event.
 */
@Controller('api/gateway/ai/secrets')
@Policy(Actions.admin())
@UseFilters(ForbiddenAuditFilter)
export class AiSecretsController {
  constructor(
    private readonly commands: AiSecretCommands,
    private readonly reads: AiConfigReads,
  ) {}

  @Get()
  @AdminApi({ response: AiSecretListDto })
  async list() {
    return { secrets: await this.reads.secrets() };
  }

  @Post()
  @HttpCode(201)
  @AdminApi({ body: CreateAiSecretDto, status: 201, response: AiSecretDto })
  async create(@Body() dto: CreateAiSecretDto) {
    const secretId = await this.commands.create(dto.name, dto.provider, credentialValue(dto.value));
    return this.one(secretId);
  }

  @Get(':secretId')
  @AdminApi({ response: AiSecretDto })
  get(@Param('secretId') secretId: string) {
    return this.one(secretId);
  }

  @Put(':secretId')
  @AdminApi({ body: RotateAiSecretDto, response: AiSecretDto })
  async rotate(@Param('secretId') secretId: string, @Body() dto: RotateAiSecretDto) {
    await this.commands.rotate(checkId(secretId), credentialValue(dto.value));
    return this.one(secretId);
  }

  @Delete(':secretId')
  @HttpCode(204)
  @AdminApi({ status: 204 })
  async remove(@Param('secretId') secretId: string) {
    await this.commands.delete(checkId(secretId));
  }

  private async one(secretId: string): Promise<SecretView> {
    const [secret] = await this.reads.secrets(checkId(secretId));
    if (!secret) throw new AiConfigError('RESOURCE_DOES_NOT_EXIST', `secret ${secretId} does not exist`);
    return secret;
  }
}

function checkId(secretId: string): string {
  if (secretId.length > 64) throw new AiConfigError('RESOURCE_DOES_NOT_EXIST', 'no such secret');
  return secretId;
}

/** A string (the API key) or an object of named string fields; the provider's rules are the domain's. */
export function credentialValue(v: unknown): CredentialValue {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw invalid('value must be a string (the API key) or an object of named string fields');
}
