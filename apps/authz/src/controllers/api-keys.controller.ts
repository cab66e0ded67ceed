import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Actions, scopesBeyond } from '@custos/rbac';
import { AdminApi, Policy } from '@custos/platform';
import { AuthzError, normalizeScopes } from '@custos/authz-domain';
import { AuthzAccess } from '../access/authz-access.service';
import { ApiKeyCommands } from '../commands/api-key-commands.service';
import { IssueApiKeyDto } from '../dtos/api-keys.dto';
import { AccessQueries, apiKeyJson, ApiKeyRow } from '../queries/access.queries';
import { UserQueries } from '../queries/users.queries';
import { ApiKeyResponse, ApiKeysResponse, IssuedApiKeyResponse } from '../dtos/responses.dto';

/**
 * API keys, self-service: anyone with an account issues, lists and revokes its own keys; admins do
 * so for any account. A scoped key needs `account:read` to read keys and `account:manage` to issue
 * or revoke them, and issues only keys within its own scopes. The key itself is in the create response only; lists show the prefix.
 * Someone else's key answers "not found" to a non-admin, whether or not it exists.
 */
@Controller('api/authz/api-keys')
@Policy(Actions.authenticated({ area: 'account', level: 'READ' }))
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeyCommands,
    private readonly queries: AccessQueries,
    private readonly users: UserQueries,
    private readonly access: AuthzAccess,
  ) {}

  @Post()
  @HttpCode(201)
  @Policy(Actions.authenticated({ area: 'account', level: 'MANAGE' }))
  @AdminApi({ body: IssueApiKeyDto, status: 201, response: IssuedApiKeyResponse })
  async issue(@Body() dto: IssueApiKeyDto) {
    const scopes = normalizeScopes(dto.scopes ?? []);
    this.requireWithinCallerScopes(scopes);
    const ownerId = await this.ownerFor(dto);
    const issued = await this.keys.issue({ ownerId, name: dto.name ?? '', scopes, expiresAt: dto.expiresAt ?? null });
    const row = await this.queries.apiKey(issued.keyId);
    // The one and only time the key is shown.
    return { apiKey: apiKeyJson(row!), key: issued.key };
  }

  @Get()
  @AdminApi({ response: ApiKeysResponse })
  async list(@Query('ownerId') ownerId?: string) {
    const p = this.access.principal();
    const owner = this.access.isAdmin(p) ? ownerId : p.id;
    return { apiKeys: (await this.queries.apiKeys(owner)).map((k) => apiKeyJson(k)) };
  }

  @Get(':keyId')
  @AdminApi({ response: ApiKeyResponse })
  async get(@Param('keyId') keyId: string) {
    return { apiKey: apiKeyJson(await this.visible(keyId)) };
  }

  /** Revocation is immediate for the gateway once the event reaches it; revoking twice is harmless. */
  @Delete(':keyId')
  @Policy(Actions.authenticated({ area: 'account', level: 'MANAGE' }))
  @AdminApi({ response: ApiKeyResponse })
  async revoke(@Param('keyId') keyId: string) {
    await this.visible(keyId);
    await this.keys.revoke(keyId);
    return { apiKey: apiKeyJson((await this.queries.apiKey(keyId))!) };
  }

  private async visible(keyId: string): Promise<ApiKeyRow> {
    const p = this.access.principal();
    const row = keyId.length <= 64 ? await this.queries.apiKey(keyId) : undefined;
    if (!row || (!this.access.isAdmin(p) && row.owner_id !== p.id)) throw AuthzError.notFound(`API key ${keyId} not found`);
    return row;
  }

  /** A scoped key may mint only keys no broader than itself, or scopes would be a formality. */
  private requireWithinCallerScopes(requested: string[]): void {
    const held = this.access.principal().scopes;
    const beyond = scopesBeyond(held, requested);
    if (beyond === 'unscoped') throw AuthzError.denied(`Permission denied: a key scoped ${held!.join(' ')} cannot issue an unscoped key; name scopes within its own.`);
    if (beyond.length > 0) throw AuthzError.denied(`Permission denied: scopes ${beyond.join(', ')} exceed the calling key's scopes (${held!.join(' ')}).`);
  }

  private async ownerFor(dto: IssueApiKeyDto): Promise<string> {
    const p = this.access.principal();
    const named = dto.ownerUsername !== undefined ? (await this.users.byUsername(dto.ownerUsername)).user_id : dto.ownerId;
    if (named !== undefined && named !== p.id) {
      this.access.requireAdmin();
      return named;
    }
    // A key belongs to an account the gateway can resolve; principals without one (the bootstrap key) cannot own keys.
    if (!(await this.users.findById(p.id))) throw AuthzError.invalid(`Principal ${p.id} has no account in authz; keys are issued to users and service accounts.`);
    return p.id;
  }
}
