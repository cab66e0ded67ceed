import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { KeyRing } from '@custos/crypto';
import { ArtifactKeysRewrapped, EventData } from '@custos/events';
import { EventStore, rows } from '@custos/eventing';
import { LOGGER, ServiceCommand } from '@custos/platform';
import { ARTIFACT_KEY_RING } from './artifact-keys';
import { objectIdentity } from './artifact-records';

const BATCH = 500;
const STREAM = 'artifact-keys';

/**
 * `node dist/apps/tracking/src/main.js rotate-artifact-keys`: re-wraps every data key not yet under
 * ARTIFACT_ACTIVE_KEY_ID. Only the 61-byte wrapped keys change; no object is read or rewritten.
 * Resumable and idempotent (it works on whatever is still under another key), in batches that each
 * commit, so it can run beside a serving tracking service. Each batch appends an
 * ArtifactKeysRewrapped event in its own transaction, so audit sees every re-wrap that happened.
 */
@Injectable()
export class RotateArtifactKeysCommand implements ServiceCommand {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    @Inject(ARTIFACT_KEY_RING) private readonly keys: KeyRing,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const active = this.keys.activeKeyId;
    const before = await this.remaining();
    const missing = before.filter((r) => !this.keys.has(r.key_id));
    if (missing.length > 0) {
      throw new Error(`cannot re-wrap: ${missing.map((m) => `${m.count} artifact(s) under key ${m.key_id}`).join(', ')}, which is not in ARTIFACT_MASTER_KEYS; add the retired key back and run again`);
    }
    let rewrapped = 0;
    // One correlation id ties the batches of this run together in audit.
    const metadata = { correlationId: randomUUID(), actor: { type: 'system' as const, id: 'rotate-artifact-keys' } };
    for (;;) {
      const n = await this.ds.transaction(async (tx) => {
        const batch = await rows<{ path: string; object_id: string; key_id: string; wrapped_key: Buffer }>(
          tx,
          `SELECT path, object_id, key_id, wrapped_key FROM artifacts WHERE key_id <> $1 ORDER BY path LIMIT $2 FOR UPDATE`,
          [active, BATCH],
        );
        if (batch.length === 0) return 0;
        const next = batch.map((r) => this.keys.rewrap({ keyId: r.key_id, wrapped: r.wrapped_key }, objectIdentity(r)));
        await tx.query(`UPDATE artifacts a SET key_id = $1, wrapped_key = u.wrapped FROM unnest($2::text[], $3::bytea[]) AS u(path, wrapped) WHERE a.path = u.path`, [
          active,
          batch.map((r) => r.path),
          next.map((w) => w.wrapped),
        ]);
        const data: EventData<typeof ArtifactKeysRewrapped> = { toKeyId: active, from: countByKey(batch), count: batch.length };
        await this.store.appendFacts(tx, STREAM, [{ type: ArtifactKeysRewrapped.type, data }], metadata);
        return batch.length;
      });
      rewrapped += n;
      if (n === 0) break;
      this.logger.info({ rewrapped }, 're-wrapping artifact data keys');
    }
    const after = await this.remaining();
    this.logger.info({ activeKeyId: active, rewrapped, before, remaining: after }, 'artifact data keys re-wrapped under the active key');
    if (after.length > 0) throw new Error(`some data keys are still under other keys: ${JSON.stringify(after)}`);
  }

  private remaining(): Promise<{ key_id: string; count: number }[]> {
    return rows(this.ds, `SELECT key_id, count(*)::int AS count FROM artifacts WHERE key_id <> $1 GROUP BY key_id ORDER BY key_id`, [this.keys.activeKeyId]);
  }
}

function countByKey(batch: { key_id: string }[]): { keyId: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of batch) counts.set(r.key_id, (counts.get(r.key_id) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([keyId, count]) => ({ keyId, count }));
}
