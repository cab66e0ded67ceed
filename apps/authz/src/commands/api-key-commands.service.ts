import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CommandExecutor } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { ApiKeyCommand, apiKeyDecider, apiKeyStreamId, AuthzError } from '@custos/authz-domain';
import { generateApiKey } from '../credentials/api-key';
import { AuthzProjection } from '../projections/authz.projection';

export interface KeyRequest {
  ownerId: string;
  name: string;
  scopes: string[];
  expiresAt: string | null;
}

export interface IssuedKey {
  keyId: string;
  /** The whole key, for the one response that shows it. */
  key: string;
}

@Injectable()
export class ApiKeyCommands {
  constructor(
    private readonly ds: DataSource,
    private readonly executor: CommandExecutor,
    private readonly projection: AuthzProjection,
  ) {}

  async issue(req: KeyRequest): Promise<IssuedKey> {
    const [owner] = (await this.ds.query(`SELECT 1 FROM users WHERE user_id = $1`, [req.ownerId])) as unknown[];
    if (!owner) throw AuthzError.notFound(`User with id=${req.ownerId} not found`);
    const generated = generateApiKey();
    const keyId = randomUUID();
    await this.execute({
      type: 'IssueApiKey',
      keyId,
      prefix: generated.prefix,
      keyHash: generated.keyHash,
      ownerId: req.ownerId,
      name: req.name,
      scopes: req.scopes,
      expiresAt: req.expiresAt,
      now: new Date().toISOString(),
    });
    return { keyId, key: generated.key };
  }

  async revoke(keyId: string): Promise<void> {
    await this.execute({ type: 'RevokeApiKey', keyId });
  }

  async revokeAllOf(ownerId: string): Promise<void> {
    const keys = (await this.ds.query(`SELECT key_id FROM api_keys WHERE owner_id = $1 AND revoked_at IS NULL`, [ownerId])) as { key_id: string }[];
    for (const k of keys) await this.revoke(k.key_id);
  }

  private async execute(command: ApiKeyCommand): Promise<void> {
    await this.executor.execute(apiKeyDecider, apiKeyStreamId(command.keyId), command, eventMetadata(), this.projection.inline);
  }
}
