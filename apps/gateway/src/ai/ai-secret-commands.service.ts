import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AiConfigError, aiSecretDecider, aiSecretStreamId, credentialFromInput, credentialHint, invalid, isProvider, ProviderName, SecretCommand, SecretState } from '@custos/ai-domain';
import { EventEnvelope, uuidv7 } from '@custos/events';
import { CommandExecutor, pgCode, pgConstraint, PG, rows } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { AiConfigProjection } from './ai-config.projection';
import { SecretVault } from './secret-vault.service';

export type CredentialValue = string | Readonly<Record<string, unknown>>;

/**
 * Provider credentials: the decider sees only the masked hint; the value is sealed here and written
 * by the inline projector, so the sealed row, the event and the read model commit together (or not
 * at all). Deletion destroys the sealed row and its wrapped data key in that same transaction.
 */
@Injectable()
export class AiSecretCommands {
  constructor(
    private readonly ds: DataSource,
    private readonly executor: CommandExecutor,
    private readonly projection: AiConfigProjection,
    private readonly vault: SecretVault,
  ) {}

  async create(name: string, provider: string, value: CredentialValue): Promise<string> {
    if (!isProvider(provider)) throw invalid(`provider ${JSON.stringify(provider.slice(0, 64))} is not a known provider`);
    const credential = credentialFromInput(provider, value);
    const secretId = uuidv7();
    const command: SecretCommand = { type: 'CreateAiSecret', secretId, name, provider, hint: credentialHint(credential) };
    await this.run(secretId, command, async (tx, at) => this.vault.write(tx, secretId, this.vault.seal(secretId, name, credential), at));
    return secretId;
  }

  async rotate(secretId: string, value: CredentialValue): Promise<void> {
    const provider = await this.providerOf(secretId);
    const credential = credentialFromInput(provider, value);
    const command: SecretCommand = { type: 'RotateAiSecret', secretId, hint: credentialHint(credential) };
    await this.run(secretId, command, async (tx, at, state) => {
      if (state.status !== 'active') return;
      await this.vault.write(tx, secretId, this.vault.seal(secretId, state.secret.name, credential), at);
    });
  }

  async delete(secretId: string): Promise<void> {
    const usedBy = (await rows<{ name: string }>(this.ds, `SELECT name FROM gw_ai_endpoints WHERE targets @> $1::jsonb ORDER BY name`, [JSON.stringify([{ secretId }])])).map((r) => r.name);
    await this.run(secretId, { type: 'DeleteAiSecret', secretId, usedBy }, async (tx) => this.vault.destroy(tx, secretId));
  }

  private async run(secretId: string, command: SecretCommand, write: (tx: EntityManager, at: string, state: SecretState) => Promise<void>): Promise<void> {
    try {
      await this.executor.execute(aiSecretDecider, aiSecretStreamId(secretId), command, eventMetadata(), async (tx: EntityManager, events: EventEnvelope[], state: SecretState) => {
        await this.projection.inline(tx, events);
        await write(tx, events[events.length - 1].occurredAt, state);
      });
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'gw_ai_secrets_name') {
        throw new AiConfigError('RESOURCE_ALREADY_EXISTS', `a secret named ${command.type === 'CreateAiSecret' ? command.name : ''} already exists`);
      }
      throw e;
    }
  }

  private async providerOf(secretId: string): Promise<ProviderName> {
    const [row] = await rows<{ provider: string }>(this.ds, `SELECT provider FROM gw_ai_secrets WHERE secret_id = $1`, [secretId]);
    if (!row) throw new AiConfigError('RESOURCE_DOES_NOT_EXIST', `secret ${secretId} does not exist`);
    if (!isProvider(row.provider)) throw new AiConfigError('INVALID_STATE', `secret ${secretId} names an unknown provider`);
    return row.provider;
  }
}
