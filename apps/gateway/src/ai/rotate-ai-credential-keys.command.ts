import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { AiSecretKeysRewrapped, EventData } from '@custos/events';
import { EventStore, rows } from '@custos/eventing';
import { LOGGER, ServiceCommand } from '@custos/platform';
import { SecretVault } from './secret-vault.service';

const BATCH = 200;
const STREAM = 'ai-credential-keys';

/**
 * `node dist/apps/gateway/src/main.js rotate-ai-credential-keys`: re-wraps every credential's data
 * key not yet under AI_CREDENTIAL_ACTIVE_KEY_ID, as `rotate-artifact-keys` does for artifacts. Only
 * the wrapped keys change (the sealed values are untouched); resumable, idempotent, in batches that
 * each commit with a `gateway.AiSecretKeysRewrapped` event, so audit sees every re-wrap.
 */
@Injectable()
export class RotateAiCredentialKeysCommand implements ServiceCommand {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly vault: SecretVault,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const active = this.vault.activeKeyId;
    const before = await this.remaining();
    const missing = before.filter((r) => !this.vault.has(r.key_id));
    if (missing.length > 0) {
      throw new Error(
        `cannot re-wrap: ${missing.map((m) => `${m.count} credential(s) under key ${m.key_id}`).join(', ')}, which is not in AI_CREDENTIAL_MASTER_KEYS; add the retired key back and run again`,
      );
    }
    let rewrapped = 0;
    const metadata = { correlationId: randomUUID(), actor: { type: 'system' as const, id: 'rotate-ai-credential-keys' } };
    for (;;) {
      const n = await this.ds.transaction(async (tx) => {
        const batch = await rows<{ secret_id: string; name: string; key_id: string; wrapped_key: Buffer }>(
          tx,
          `SELECT v.secret_id, s.name, v.key_id, v.wrapped_key FROM gw_ai_secret_values v JOIN gw_ai_secrets s USING (secret_id)
            WHERE v.key_id <> $1 ORDER BY v.secret_id LIMIT $2 FOR UPDATE OF v`,
          [active, BATCH],
        );
        if (batch.length === 0) return 0;
        const next = batch.map((r) => this.vault.rewrap({ keyId: r.key_id, wrapped: r.wrapped_key }, r.secret_id, r.name));
        await tx.query(`UPDATE gw_ai_secret_values v SET key_id = $1, wrapped_key = u.wrapped FROM unnest($2::text[], $3::bytea[]) AS u(secret_id, wrapped) WHERE v.secret_id = u.secret_id`, [
          active,
          batch.map((r) => r.secret_id),
          next.map((w) => w.wrapped),
        ]);
        const data: EventData<typeof AiSecretKeysRewrapped> = { toKeyId: active, from: countByKey(batch), count: batch.length };
        await this.store.appendFacts(tx, STREAM, [{ type: AiSecretKeysRewrapped.type, data }], metadata);
        return batch.length;
      });
      rewrapped += n;
      if (n === 0) break;
    }
    const after = await this.remaining();
    this.logger.info({ activeKeyId: active, rewrapped, before, remaining: after }, 'AI credential data keys re-wrapped under the active key');
    if (after.length > 0) throw new Error(`some data keys are still under other keys: ${JSON.stringify(after)}`);
  }

  private remaining(): Promise<{ key_id: string; count: number }[]> {
    return rows(this.ds, `SELECT key_id, count(*)::int AS count FROM gw_ai_secret_values WHERE key_id <> $1 GROUP BY key_id ORDER BY key_id`, [this.vault.activeKeyId]);
  }
}

function countByKey(batch: { key_id: string }[]): { keyId: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of batch) counts.set(r.key_id, (counts.get(r.key_id) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([keyId, count]) => ({ keyId, count }));
}
