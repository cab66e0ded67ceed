import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AiConfigError, aiEndpointStreamId, EndpointCommand, endpointDecider, EndpointInput, KnownSecrets, ProviderRegistry } from '@custos/ai-domain';
import { EventEnvelope, uuidv7 } from '@custos/events';
import { CommandExecutor, pgCode, pgConstraint, PG, rows } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { AiConfigProjection } from './ai-config.projection';
import { AI_PROVIDER_REGISTRY } from './ai-providers';

/** Runs endpoint commands through the decider; the read model and `ai_config` move in the append's transaction. */
@Injectable()
export class AiEndpointCommands {
  private readonly decider;

  constructor(
    private readonly ds: DataSource,
    private readonly executor: CommandExecutor,
    private readonly projection: AiConfigProjection,
    @Inject(AI_PROVIDER_REGISTRY) providers: ProviderRegistry,
  ) {
    this.decider = endpointDecider(providers);
  }

  async create(name: string, input: EndpointInput): Promise<string> {
    const endpointId = uuidv7();
    await this.run({ type: 'CreateAiEndpoint', endpointId, name, ...input, secrets: await this.secretsOf(input.targets) });
    return endpointId;
  }

  async update(name: string, input: Partial<EndpointInput>): Promise<void> {
    await this.run({ type: 'UpdateAiEndpoint', name, ...input, secrets: await this.secretsOf(input.targets ?? (await this.currentTargets(name))) });
  }

  async delete(name: string): Promise<void> {
    await this.run({ type: 'DeleteAiEndpoint', name });
  }

  private async run(command: EndpointCommand): Promise<void> {
    try {
      await this.executor.execute(this.decider, aiEndpointStreamId(command.name), command, eventMetadata(), (tx: EntityManager, events: EventEnvelope[]) => this.projection.inline(tx, events));
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'gw_ai_endpoints_name') {
        throw new AiConfigError('RESOURCE_ALREADY_EXISTS', `endpoint ${command.name} already exists`);
      }
      throw e;
    }
  }

  /** The stored credentials the targets name (the decider refuses a target whose secret is absent or of another provider). */
  private async secretsOf(targets: readonly { secretId?: unknown }[] | undefined): Promise<KnownSecrets> {
    const ids = [...new Set((targets ?? []).map((t) => t.secretId).filter((id): id is string => typeof id === 'string'))];
    if (ids.length === 0) return {};
    const found = await rows<{ secret_id: string; provider: string }>(this.ds, `SELECT secret_id, provider FROM gw_ai_secrets WHERE secret_id = ANY($1::text[])`, [ids]);
    return Object.fromEntries(found.map((r) => [r.secret_id, { provider: r.provider }]));
  }

  private async currentTargets(name: string): Promise<{ secretId: string }[]> {
    const [row] = await rows<{ targets: { secretId: string }[] }>(this.ds, `SELECT targets FROM gw_ai_endpoints WHERE name = $1`, [name]);
    return row?.targets ?? [];
  }
}
