import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { ChainCheckpointed, EventData, uuidv7 } from '@custos/events';
import { EventStore } from '@custos/eventing';
import { LOGGER, runtimeMode, SERVICE_CONFIG, ServiceRuntime } from '@custos/platform';
import { SignedCheckpoint, signCheckpoint } from '@custos/audit-domain';
import { AuditConfig } from '../audit.config';
import { AuditMerkleTree } from './audit-merkle-tree';
import { AuditSigner } from './audit-signer';
import { CheckpointObjectStore, StoredObject } from './checkpoint-object.store';

export const CHECKPOINT_STREAM = 'audit-checkpoints';
const LOCK_SQL = `hashtext('custos-audit-checkpoint')`;

export interface CheckpointRecord {
  checkpoint: SignedCheckpoint;
  /** The exact document stored in PostgreSQL and object storage. */
  document: string;
  object: StoredObject;
}

export function checkpointObjectKey(size: number): string {
  return `checkpoints/${String(size).padStart(20, '0')}.json`;
}

type CheckpointerConfig = Pick<AuditConfig, 'AUDIT_CHECKPOINT_INTERVAL_MS' | 'AUDIT_CHECKPOINT_ORIGIN'>;

/**
 * Every AUDIT_CHECKPOINT_INTERVAL_MS, if the log grew, brings the tree up to the chain head, signs
 * a checkpoint, writes it retention-locked to object storage, then records it in
 * `audit_checkpoints` and appends `audit.ChainCheckpointed` (v2) to audit's own store in one
 * transaction. Object storage first: a checkpoint in the database always has its locked copy.
 *
 * That event comes back through Kafka as an audit entry, so growth made only of our own
 * checkpoint events does not count, or an idle log would checkpoint itself forever. One replica
 * works at a time (session advisory lock); the others skip the tick.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly ds: DataSource,
    private readonly tree: AuditMerkleTree,
    private readonly objects: CheckpointObjectStore,
    private readonly signer: AuditSigner,
    private readonly store: EventStore,
    private readonly runtime: ServiceRuntime,
    @Inject(SERVICE_CONFIG) private readonly config: CheckpointerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (runtimeMode.passive) return;
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => {
        this.current = undefined;
        this.schedule();
      });
    }, this.config.AUDIT_CHECKPOINT_INTERVAL_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.runtime.whenStarted();
      if (this.stopping || !this.objects.isReady()) return;
      await this.checkpointOnce();
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'audit checkpoint failed; retrying at the next interval');
    }
  }

  /** Signs and stores a checkpoint if the log grew since the last one; undefined when there was nothing to do. */
  async checkpointOnce(now: () => Date = () => new Date()): Promise<CheckpointRecord | undefined> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(${LOCK_SQL}) AS locked`)) as { locked: boolean }[];
      if (!locked) return undefined;
      try {
        return await this.underLock(now);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(${LOCK_SQL})`).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  private async underLock(now: () => Date): Promise<CheckpointRecord | undefined> {
    const [{ last }] = (await this.ds.query(`SELECT coalesce(max(size), 0) AS last FROM audit_checkpoints`)) as { last: string }[];
    const [{ grew }] = (await this.ds.query(`SELECT EXISTS (SELECT 1 FROM audit_entries WHERE sequence > $1 AND NOT (source = 'audit' AND type = $2)) AS grew`, [
      Number(last),
      ChainCheckpointed.type,
    ])) as { grew: boolean }[];
    if (!grew) return undefined;
    const [head] = (await this.ds.query(`SELECT sequence, hash FROM audit_chain_head`)) as { sequence: string; hash: string }[];
    const size = Number(head.sequence);
    await this.tree.extend(size);
    const root = await this.tree.root(size);

    const checkpoint = signCheckpoint({ origin: this.config.AUDIT_CHECKPOINT_ORIGIN, size, root: root.toString('base64'), chainHead: head.hash, timestamp: now().toISOString() }, this.signer.key);
    const document = `${JSON.stringify(checkpoint, null, 2)}\n`;
    const object = await this.objects.put(checkpointObjectKey(size), document);

    await this.ds.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO audit_checkpoints (size, root, chain_head, origin, signed_at, key_id, signature, document, bucket, object_key, object_version_id, retain_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [size, root, checkpoint.chainHead, checkpoint.origin, checkpoint.timestamp, checkpoint.keyId, checkpoint.signature, document, object.bucket, object.key, object.versionId, object.retainUntil],
      );
      const [{ version }] = (await tx.query(`SELECT coalesce(max(stream_position), -1) AS version FROM events WHERE stream_id = $1`, [CHECKPOINT_STREAM])) as { version: number }[];
      const data: EventData<typeof ChainCheckpointed> = {
        sequence: size,
        headHash: checkpoint.chainHead,
        checkpoint: {
          format: checkpoint.format,
          origin: checkpoint.origin,
          root: checkpoint.root,
          timestamp: checkpoint.timestamp,
          keyId: checkpoint.keyId,
          signature: checkpoint.signature,
          bucket: object.bucket,
          objectKey: object.key,
          objectVersionId: object.versionId,
        },
      };
      await this.store.append(tx, CHECKPOINT_STREAM, Number(version), [{ type: ChainCheckpointed.type, data }], {
        correlationId: uuidv7(),
        actor: { type: 'system', id: 'audit' },
      });
    });
    this.logger.info({ size, root: checkpoint.root, keyId: checkpoint.keyId, object: object.key }, 'audit checkpoint signed');
    return { checkpoint, document, object };
  }
}
