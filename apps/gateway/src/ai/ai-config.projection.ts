import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AiEndpointCreated, AiEndpointDeleted, AiEndpointUpdated, AiSecretCreated, AiSecretDeleted, AiSecretRotated, EventData, EventEnvelope } from '@custos/events';
import { Projection } from '@custos/eventing';
import { bumpVersion } from '../identity/versions';

/**
 * `gw_ai_endpoints` and `gw_ai_secrets` (names, providers, hints: never values) from the gateway's
 * own events, inline in the append transaction (read-your-writes for the admin) and by replay for a
 * rebuild. Each change bumps `ai_config` in `gw_versions`, which wakes every replica's endpoint
 * directory to reload and drop the credentials it decrypted.
 */
@Injectable()
export class AiConfigProjection implements Projection {
  readonly name = 'ai-config';
  readonly tables = ['gw_ai_endpoints', 'gw_ai_secrets'];

  readonly inline = async (tx: EntityManager, events: EventEnvelope[]): Promise<void> => {
    for (const e of events) await this.apply(tx, e);
  };

  async apply(tx: EntityManager, e: EventEnvelope): Promise<void> {
    const at = e.occurredAt;
    const by = e.metadata.actor.id;
    switch (e.type) {
      case AiEndpointCreated.type:
      case AiEndpointUpdated.type: {
        const d = e.data as EventData<typeof AiEndpointCreated>;
        await tx.query(
          `INSERT INTO gw_ai_endpoints (endpoint_id, name, task, targets, timeouts, unknown_params, tags, created_at, created_by, updated_at, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9)
           ON CONFLICT (endpoint_id) DO UPDATE SET task = EXCLUDED.task, targets = EXCLUDED.targets, timeouts = EXCLUDED.timeouts,
             unknown_params = EXCLUDED.unknown_params, tags = EXCLUDED.tags, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
          [d.endpointId, d.name, d.task, JSON.stringify(d.targets), JSON.stringify(d.timeouts), d.unknownParams, JSON.stringify(d.tags), at, by],
        );
        break;
      }
      case AiEndpointDeleted.type: {
        const d = e.data as EventData<typeof AiEndpointDeleted>;
        await tx.query(`DELETE FROM gw_ai_endpoints WHERE endpoint_id = $1`, [d.endpointId]);
        break;
      }
      case AiSecretCreated.type: {
        const d = e.data as EventData<typeof AiSecretCreated>;
        await tx.query(
          `INSERT INTO gw_ai_secrets (secret_id, name, provider, hint, created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $5, $6)
           ON CONFLICT (secret_id) DO NOTHING`,
          [d.secretId, d.name, d.provider, d.hint, at, by],
        );
        break;
      }
      case AiSecretRotated.type: {
        const d = e.data as EventData<typeof AiSecretRotated>;
        await tx.query(`UPDATE gw_ai_secrets SET hint = $2, updated_at = $3, updated_by = $4 WHERE secret_id = $1`, [d.secretId, d.hint, at, by]);
        break;
      }
      case AiSecretDeleted.type: {
        const d = e.data as EventData<typeof AiSecretDeleted>;
        await tx.query(`DELETE FROM gw_ai_secrets WHERE secret_id = $1`, [d.secretId]);
        break;
      }
      default:
        return;
    }
    await bumpVersion(tx, 'ai_config');
  }
}
