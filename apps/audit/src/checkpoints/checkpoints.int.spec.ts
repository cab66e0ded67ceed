import { expect } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { ChainCheckpointed, eventCatalog } from '@custos/events';
import { EventStore } from '@custos/eventing';
import { ApiError, createLogger, platformValidationPipe, Readiness, ServiceRuntime } from '@custos/platform';
import { createTestDatabase, infraEnv, TestDatabase, uniqueName } from '@custos/testing';
import { hashLeaf, InMemoryMerkleTree, SignedCheckpoint, verifyChain, verifyConsistency, verifyOffline } from '@custos/audit-domain';
import { AuditLog1732000000100 } from '../migrations/1732000000100-audit-log';
import { AuditMerkleCheckpoints1732000000200 } from '../migrations/1732000000200-audit-merkle-checkpoints';
import { AuditCoverage1732000000400 } from '../migrations/1732000000400-audit-coverage';
import { AuditLogHandler } from '../consumers/audit-log.handler';
import { auditTestEvent, recordedEventId, storedChain } from '../consumers/audit-events.spec-helper';
import { CheckpointsController } from '../controllers/checkpoints.controller';
import { CheckpointSizeParams, ConsistencyProofQuery, InclusionProofQuery } from '../dtos/checkpoint.query';
import { AuditConfig } from '../audit.config';
import { AuditMerkleTree } from './audit-merkle-tree';
import { AuditSigner } from './audit-signer';
import { CheckpointObjectStore, ObjectLockError } from './checkpoint-object.store';
import { AuditCheckpointer, CHECKPOINT_STREAM, checkpointObjectKey } from './audit-checkpointer';

type Proof = Awaited<ReturnType<CheckpointsController['inclusion']>>;

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a failure');
}

describe('signed Merkle checkpoints on real PostgreSQL and MinIO', () => {
  let db: TestDatabase;
  let config: AuditConfig;
  let handler: AuditLogHandler;
  let tree: AuditMerkleTree;
  let objects: CheckpointObjectStore;
  let checkpointer: AuditCheckpointer;
  let controller: CheckpointsController;
  let publicKey: string;
  const extraBuckets: string[] = [];

  const append = async (count: number, batch = 7) => {
    for (let i = 0; i < count; i += batch) {
      const events = Array.from({ length: Math.min(batch, count - i) }, () => auditTestEvent());
      await db.dataSource.transaction((tx) => handler.handleBatch(events, tx));
    }
  };
  // Input as the service receives it: raw strings through the platform's global pipe, then the controller.
  const pipe = platformValidationPipe();
  const inclusion = async (raw: Record<string, string>) => controller.inclusion((await pipe.transform(raw, { type: 'query', metatype: InclusionProofQuery })) as InclusionProofQuery);
  const consistency = async (raw: Record<string, string>) => controller.consistency((await pipe.transform(raw, { type: 'query', metatype: ConsistencyProofQuery })) as ConsistencyProofQuery);
  const bySize = async (raw: Record<string, string>) => controller.bySize((await pipe.transform(raw, { type: 'param', metatype: CheckpointSizeParams })) as CheckpointSizeParams);
  const canonicals = async () => ((await db.dataSource.query(`SELECT canonical FROM audit_entries ORDER BY sequence`)) as { canonical: string }[]).map((r) => r.canonical);

  beforeAll(async () => {
    db = await createTestDatabase('audit_checkpoints', [AuditLog1732000000100, AuditMerkleCheckpoints1732000000200, AuditCoverage1732000000400]);
    const infra = infraEnv();
    config = {
      S3_ENDPOINT: infra.s3Endpoint,
      S3_ACCESS_KEY: infra.s3AccessKey,
      S3_SECRET_KEY: infra.s3SecretKey,
      S3_REGION: 'us-east-1',
      AUDIT_CHECKPOINT_BUCKET: uniqueName('audit-ckpt'),
      // GOVERNANCE with one day, so the test can clean up with the bypass header; production uses COMPLIANCE.
      AUDIT_CHECKPOINT_RETENTION_MODE: 'GOVERNANCE',
      AUDIT_CHECKPOINT_RETENTION_DAYS: 1,
      AUDIT_CHECKPOINT_ORIGIN: 'custos/audit-test',
      AUDIT_CHECKPOINT_INTERVAL_MS: 10_000,
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    } as AuditConfig;
    const logger = createLogger('audit', 'silent');
    handler = new AuditLogHandler();
    tree = new AuditMerkleTree(db.dataSource);
    objects = new CheckpointObjectStore(config, new Readiness(), logger);
    await objects.ensureBucket();
    const signer = new AuditSigner(config);
    const runtime = { whenStarted: () => Promise.resolve() } as unknown as ServiceRuntime;
    checkpointer = new AuditCheckpointer(db.dataSource, tree, objects, signer, new EventStore('audit', eventCatalog), runtime, config, logger);
    controller = new CheckpointsController(db.dataSource, tree, signer);
    publicKey = controller.publicKey().publicKey;
  });

  afterAll(async () => {
    for (const bucket of [config.AUDIT_CHECKPOINT_BUCKET, ...extraBuckets]) {
      const versions: { name: string; versionId?: string | null }[] = [];
      for await (const o of objects.client.listObjects(bucket, '', true, { IncludeVersion: true })) versions.push(o as { name: string; versionId?: string | null });
      for (const v of versions) await objects.client.removeObject(bucket, v.name, { versionId: v.versionId ?? undefined, governanceBypass: true });
      await objects.client.removeBucket(bucket);
    }
    await db.drop();
  });

  it('creates the bucket with object lock and the configured default retention', async () => {
    expect(objects.isReady()).toBe(true);
    expect(await objects.client.getObjectLockConfig(config.AUDIT_CHECKPOINT_BUCKET)).toMatchObject({ objectLockEnabled: 'Enabled', mode: 'GOVERNANCE', unit: 'Days', validity: 1 });
  });

  it('signs nothing for an empty log', async () => {
    expect(await checkpointer.checkpointOnce()).toBeUndefined();
    expect((await failure(controller.latest())).httpStatus).toBe(404);
    expect((await failure(inclusion({ sequence: '1' }))).httpStatus).toBe(404);
  });

  let first: SignedCheckpoint;

  it('checkpoints the tree head over all entries, in PostgreSQL, in object storage and as an event', async () => {
    await append(37);
    const record = (await checkpointer.checkpointOnce(() => new Date('2026-11-22T12:00:00.000Z')))!;
    first = record.checkpoint;
    expect(first).toMatchObject({ format: 'custos-audit-checkpoint/v1', origin: 'custos/audit-test', size: 37, timestamp: '2026-11-22T12:00:00.000Z', keyId: controller.publicKey().keyId });

    // The root is the RFC 6962 head over the stored canonical texts, recomputed independently here.
    const texts = await canonicals();
    expect(texts).toHaveLength(37);
    expect(first.root).toBe(InMemoryMerkleTree.fromLeaves(texts).root().toString('base64'));
    const [head] = (await db.dataSource.query(`SELECT sequence, hash FROM audit_chain_head`)) as { sequence: string; hash: string }[];
    expect(first.chainHead).toBe(head.hash);
    expect(await tree.size()).toBe(37);

    const latest = await controller.latest();
    expect(latest.checkpoint).toEqual(first);
    expect(latest.object).toMatchObject({ bucket: config.AUDIT_CHECKPOINT_BUCKET, key: checkpointObjectKey(37), versionId: expect.any(String) });

    const stored = await text(await objects.client.getObject(config.AUDIT_CHECKPOINT_BUCKET, checkpointObjectKey(37)));
    expect(JSON.parse(stored)).toEqual(first);
    expect(stored).toBe(record.document);

    const [evt] = await new EventStore('audit', eventCatalog).readStream(db.dataSource, CHECKPOINT_STREAM);
    expect(evt).toMatchObject({ type: ChainCheckpointed.type, schemaVersion: 2, source: 'audit', metadata: { actor: { type: 'system', id: 'audit' } } });
    expect(evt.data).toEqual({
      sequence: 37,
      headHash: head.hash,
      checkpoint: {
        format: first.format,
        origin: first.origin,
        root: first.root,
        timestamp: first.timestamp,
        keyId: first.keyId,
        signature: first.signature,
        bucket: config.AUDIT_CHECKPOINT_BUCKET,
        objectKey: checkpointObjectKey(37),
        objectVersionId: latest.object.versionId,
      },
    });
  });

  it('signs again only when the log grew by something other than its own checkpoint events', async () => {
    expect(await checkpointer.checkpointOnce()).toBeUndefined();
    // Our own event comes back from the bus as entry 38: not a reason for a new checkpoint.
    const own = await new EventStore('audit', eventCatalog).readStream(db.dataSource, CHECKPOINT_STREAM);
    await db.dataSource.transaction((tx) => handler.handleBatch(own, tx));
    expect(await checkpointer.checkpointOnce()).toBeUndefined();

    await append(1000, 113);
    // A long backlog is stored page by page (and a concurrent builder finds the work done).
    await Promise.all([tree.extend(1038, 64), tree.extend(1038, 100)]);
    expect(await tree.size()).toBe(1038);
    const [a, b] = await Promise.all([checkpointer.checkpointOnce(), checkpointer.checkpointOnce()]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const second = (a ?? b)!.checkpoint;
    expect(second.size).toBe(1038);
    expect(second.root).toBe(
      InMemoryMerkleTree.fromLeaves(await canonicals())
        .root()
        .toString('base64'),
    );
    const [{ count }] = (await db.dataSource.query(`SELECT count(*)::int AS count FROM audit_merkle_nodes`)) as { count: number }[];
    expect(count).toBe(1038 - 4); // one per perfect subtree of height >= 1: n minus the 1-bits of n (0b10000001110)
  });

  it('chains every entry of a multi-event batch to its own canonical text', async () => {
    const stored = await storedChain(db.dataSource);
    expect(stored.length).toBeGreaterThan(1000);
    expect(verifyChain(stored)).toMatchObject({ ok: true, checked: stored.length });
    for (const link of stored) expect(recordedEventId(link)).toBe(link.eventId);
  });

  it('serves inclusion proofs that anyone verifies offline with only the public key and the stored checkpoint', async () => {
    const latest = await controller.latest();
    const fromBucket: unknown = JSON.parse(await text(await objects.client.getObject(config.AUDIT_CHECKPOINT_BUCKET, latest.object.key)));
    for (const sequence of [1, 2, 37, 38, 500, 1024, 1025, 1038]) {
      const proof = (await inclusion({ sequence: String(sequence) })) as Proof;
      expect(proof).toMatchObject({ sequence, leafIndex: sequence - 1, treeSize: 1038, root: latest.checkpoint.root, checkpoint: latest.checkpoint });
      expect(proof.leafHash).toBe(hashLeaf(proof.entry).toString('base64'));
      // Round-trip through JSON, as a file handed to an outside verifier would be.
      const offline = verifyOffline({ publicKey, checkpoint: fromBucket, entry: proof.entry, proof: JSON.parse(JSON.stringify(proof)) });
      expect(offline).toMatchObject({ ok: true, sequence, treeSize: 1038 });
    }
    // Proofs against the older checkpoint still verify against its own signed root.
    const old = (await inclusion({ sequence: '10', size: '37' })) as Proof;
    expect(old.checkpoint).toEqual(first);
    expect(verifyOffline({ publicKey, checkpoint: first, entry: old.entry, proof: old }).ok).toBe(true);
  });

  it('a modified copy of an entry fails verification', async () => {
    const proof = (await inclusion({ sequence: '17' })) as Proof;
    const entry = JSON.parse(proof.entry) as { actorId: string; data: { name: string } };
    const tampered = [proof.entry.replace('"actorId":"alice"', '"actorId":"mallory"'), proof.entry.replace(entry.data.name, 'renamed'), (await inclusion({ sequence: '18' })).entry];
    for (const t of tampered) {
      expect(t).not.toBe(proof.entry);
      const v = verifyOffline({ publicKey, checkpoint: proof.checkpoint, entry: t, proof: { ...proof, leafHash: undefined } });
      expect(v).toMatchObject({ ok: false, step: 'inclusion' });
    }
    // And a checkpoint whose root was swapped for another tree's fails its signature.
    expect(verifyOffline({ publicKey, checkpoint: { ...proof.checkpoint!, root: first.root }, entry: proof.entry, proof: { ...proof, root: undefined } })).toMatchObject({
      ok: false,
      step: 'signature',
    });
  });

  it('serves consistency proofs between checkpoints', async () => {
    const latest = (await controller.latest()).checkpoint;
    const c = await consistency({ from: '37' });
    expect(c).toMatchObject({ from: 37, to: 1038, root1: first.root, root2: latest.root });
    const b = (s: string) => Buffer.from(s, 'base64');
    expect(verifyConsistency(37, 1038, c.path.map(b), b(first.root), b(latest.root))).toEqual({ ok: true });
    expect(verifyConsistency(37, 1038, c.path.map(b), b(latest.root), b(first.root)).ok).toBe(false);
    expect((await consistency({ from: '1038', to: '1038' })).path).toEqual([]);
  });

  it('answers 400 for bad or out-of-range input and 404 for a missing checkpoint', async () => {
    const badInclusion: Record<string, string>[] = [
      { sequence: '0' },
      { sequence: 'x' },
      { sequence: '1039' },
      { sequence: '5', size: '4' },
      { sequence: '1', size: '5000' },
      { sequence: '1.5' },
      { sequence: '-1' },
      { sequence: '1e3' },
      {},
    ];
    for (const q of badInclusion) {
      const e = await failure(inclusion(q));
      expect(e).toBeInstanceOf(ApiError);
      expect(e.httpStatus).toBe(400);
    }
    expect((await failure(inclusion({ sequence: '1.5' }))).message).toBe("Field 'sequence' must be a whole number from 1 to 9007199254740991.");
    expect((await failure(inclusion({}))).message).toBe("Missing value for required field 'sequence'.");
    expect((await failure(inclusion({ sequence: '1', extra: 'x' }))).message).toBe("Unknown field 'extra'.");
    const badConsistency: Record<string, string>[] = [{ from: '0' }, { from: '1039' }, { from: '10', to: '9' }, { from: '1', to: '99999' }];
    for (const q of badConsistency) expect((await failure(consistency(q))).httpStatus).toBe(400);
    expect((await failure(bySize({ size: '36' }))).httpStatus).toBe(404);
    expect((await bySize({ size: '37' })).checkpoint).toEqual(first);
  });

  it('keeps checkpoints and tree nodes append-only in the database', async () => {
    await expect(db.dataSource.query(`UPDATE audit_checkpoints SET signature = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`DELETE FROM audit_checkpoints`)).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`UPDATE audit_merkle_nodes SET hash = hash`)).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`TRUNCATE audit_merkle_nodes`)).rejects.toThrow(/append-only/);
  });

  it('locks every checkpoint object: it has a retention and deleting its version is refused', async () => {
    const { object } = await controller.latest();
    const retention = await objects.client.getObjectRetention(object.bucket, object.key, { versionId: object.versionId! });
    expect(retention?.mode).toBe('GOVERNANCE');
    expect(new Date(retention!.retainUntilDate).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(object.retainUntil).toBe(new Date(retention!.retainUntilDate).toISOString());

    await expect(objects.client.removeObject(object.bucket, object.key, { versionId: object.versionId! })).rejects.toMatchObject({ message: expect.stringMatching(/WORM|retention|locked/i) });
    await expect(
      objects.client.putObjectRetention(object.bucket, object.key, { versionId: object.versionId!, mode: 'GOVERNANCE', retainUntilDate: new Date(Date.now() + 60_000).toISOString() }),
    ).rejects.toBeDefined();
    // A plain DELETE only adds a delete marker on a versioned bucket: the locked version stays readable.
    await objects.client.removeObject(object.bucket, object.key);
    const still = JSON.parse(await text(await objects.client.getObject(object.bucket, object.key, { versionId: object.versionId! }))) as SignedCheckpoint;
    expect(still).toEqual((await controller.latest()).checkpoint);
  });

  it('refuses a bucket that exists without object lock', async () => {
    const plain = uniqueName('audit-nolock');
    extraBuckets.push(plain);
    await objects.client.makeBucket(plain, 'us-east-1');
    const store = new CheckpointObjectStore({ ...config, AUDIT_CHECKPOINT_BUCKET: plain }, new Readiness(), createLogger('audit', 'silent'));
    await expect(store.ensureBucket()).rejects.toBeInstanceOf(ObjectLockError);
    expect(store.isReady()).toBe(false);
  });
});
