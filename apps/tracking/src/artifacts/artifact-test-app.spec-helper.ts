import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createHash, randomBytes } from 'node:crypto';
import http, { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { DataSource } from 'typeorm';
import { createLogger, installBodyParsers, INTERNAL_TOKEN_HEADER, InternalTokenSecret, parseConfig, runtimeMode, s3Client, signInternalToken } from '@custos/platform';
import { Principal } from '@custos/rbac';
import { createTestDatabase, infraEnv, TestDatabase } from '@custos/testing';
import { FIXED_HEADER_BYTES, FRAME_HEADER_BYTES, TAG_BYTES } from '@custos/artifact-crypto';
import { TrackingModule, trackingService } from '../app.module';
import { TrackingConfig, trackingEnv } from '../tracking.config';
import { ArtifactObjectStore } from './object-store.service';

export const alice: Principal = { id: 'alice', kind: 'user', roles: [], groups: [] };
export const bob: Principal = { id: 'bob', kind: 'user', roles: [], groups: [] };
export const admin: Principal = { id: 'root', kind: 'user', roles: ['admin'], groups: [] };

export const masterKey = () => randomBytes(32).toString('base64');

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection ended before the declared body did. */
  aborted?: string;
}

/**
 * Tracking as it runs, over real HTTP, on a fresh database and bucket of the test cluster. Passive
 * runtime: no Kafka relay, so test events never reach the shared topics; the database and the
 * bucket are set up here instead of by the runtime's startup.
 */
export class ArtifactTestApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly ds: DataSource,
    readonly baseUrl: URL,
    private readonly tokenSecret: InternalTokenSecret,
  ) {}

  static async start(db: TestDatabase, bucket: string, keys: { masterKeys: string; activeKeyId: string }, tokenSecret = InternalTokenSecret.generate()): Promise<ArtifactTestApp> {
    runtimeMode.passive = true;
    const env = infraEnv();
    const config = parseConfig(trackingEnv, {
      HTTP_PORT: '1',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      INTERNAL_TOKEN_KEY: tokenSecret.exportKeyFor('tracking'),
      S3_ENDPOINT: env.s3Endpoint,
      S3_ACCESS_KEY: env.s3AccessKey,
      S3_SECRET_KEY: env.s3SecretKey,
      ARTIFACTS_BUCKET: bucket,
      ARTIFACT_MASTER_KEYS: keys.masterKeys,
      ARTIFACT_ACTIVE_KEY_ID: keys.activeKeyId,
      LOG_LEVEL: 'silent',
    }) as TrackingConfig;
    const app = await NestFactory.create<NestExpressApplication>(TrackingModule.forRoot(config, createLogger('tracking', 'silent')), { bodyParser: false, logger: false });
    installBodyParsers(app, trackingService);
    const ds = app.get(DataSource);
    await ds.initialize();
    await app.get(ArtifactObjectStore).ensureBucket();
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    return new ArtifactTestApp(app, ds, new URL(`http://127.0.0.1:${port}`), tokenSecret);
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.app.get(type, { strict: false });
  }

  /** Headers as the gateway forwards them: a token minted for tracking, this method and this exact path. */
  async headersFor(as: Principal, method: string, path: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const token = await signInternalToken(this.tokenSecret, as, { audience: 'tracking', method, url: path, correlationId: `test-${as.id}`, clientIp: '127.0.0.1' });
    return { [INTERNAL_TOKEN_HEADER]: token, ...extra };
  }

  /** One request as the gateway would forward it for `as`; `path` is sent exactly as given. */
  async request(as: Principal, method: string, path: string, body?: Buffer | Readable, headers: Record<string, string> = {}): Promise<Reply> {
    const sent = await this.headersFor(as, method, path, { ...(Buffer.isBuffer(body) ? { 'content-length': String(body.length) } : {}), ...headers });
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.baseUrl.hostname,
          port: this.baseUrl.port,
          method,
          path,
          headers: sent,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (b: Buffer) => parts.push(b));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
          res.on('error', (e) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), aborted: e.message }));
          res.on('aborted', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), aborted: 'aborted' }));
        },
      );
      req.on('error', reject);
      if (body instanceof Readable) body.pipe(req);
      else req.end(body);
    });
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

export function json(r: Reply): Record<string, unknown> {
  return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
}

export function rawS3(): Client {
  const env = infraEnv();
  return s3Client({ S3_ENDPOINT: env.s3Endpoint, S3_ACCESS_KEY: env.s3AccessKey, S3_SECRET_KEY: env.s3SecretKey, S3_REGION: 'us-east-1' });
}

export async function readObject(s3: Client, bucket: string, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of await s3.getObject(bucket, key)) parts.push(b as Buffer);
  return Buffer.concat(parts);
}

export async function emptyBucket(s3: Client, bucket: string): Promise<void> {
  const names: string[] = [];
  for await (const o of s3.listObjectsV2(bucket, '', true) as AsyncIterable<{ name?: string }>) if (o.name) names.push(o.name);
  if (names.length) await s3.removeObjects(bucket, names);
  await s3.removeBucket(bucket);
}

export async function seedExperiment(db: TestDatabase, experimentId: string, ownerId: string): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, owner_id)
     VALUES ($1, $2, $3, 'active', 0, 0, $4)`,
    [experimentId, `exp-${experimentId}`, `mlflow-artifacts:/${experimentId}`, ownerId],
  );
}

export async function seedRun(db: TestDatabase, experimentId: string, runId: string): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri)
     VALUES ($1, $2, 'r', 'u', 'RUNNING', 0, 'active', $3)`,
    [runId, experimentId, `mlflow-artifacts:/${experimentId}/${runId}/artifacts`],
  );
}

export async function seedLoggedModel(db: TestDatabase, experimentId: string, modelId: string): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage, creator_id)
     VALUES ($1, $2, 'm', $3, 0, 0, 'PENDING', 'active', 'alice')`,
    [modelId, experimentId, `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`],
  );
}

export function newTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase('artifacts', trackingService.migrations);
}

export const API = '/api/2.0/mlflow-artifacts/artifacts';
export const RUN = 'a1'.repeat(16);
export const OTHER_RUN = 'b2'.repeat(16);
export const FOREIGN_RUN = 'c3'.repeat(16);
export const MODEL = 'm-0123456789abcdef';
/** Run RUN's artifact root in experiment 1 (alice's). */
export const ROOT = `1/${RUN}/artifacts`;

export interface ArtifactRow {
  path: string;
  object_key: string;
  key_id: string;
  wrapped_key: Buffer;
  size: string;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Splits a stored object into its header and frames, to tamper with it as someone with bucket access would. */
export function storedFrames(stored: Buffer): { header: Buffer; frames: Buffer[] } {
  const headerLen = FIXED_HEADER_BYTES + stored.readUInt8(FIXED_HEADER_BYTES - 1);
  const frames: Buffer[] = [];
  for (let off = headerLen; off < stored.length;) {
    const end = off + FRAME_HEADER_BYTES + stored.readUInt32BE(off + 1) + TAG_BYTES;
    frames.push(Buffer.from(stored.subarray(off, end)));
    off = end;
  }
  return { header: Buffer.from(stored.subarray(0, headerLen)), frames };
}

/**
 * One database and bucket per spec file, seeded with experiment 1 (alice's: runs RUN and OTHER_RUN,
 * logged model MODEL) and experiment 2 (bob's: FOREIGN_RUN), and tracking serving them.
 */
export class ArtifactSuite {
  readonly bucket = `t-artifacts-${randomBytes(4).toString('hex')}`;
  readonly s3 = rawS3();
  db!: TestDatabase;
  app!: ArtifactTestApp;

  async start(masterKeys: string): Promise<void> {
    this.db = await newTestDatabase();
    await seedExperiment(this.db, '1', 'alice');
    await seedExperiment(this.db, '2', 'bob');
    await seedRun(this.db, '1', RUN);
    await seedRun(this.db, '1', OTHER_RUN);
    await seedRun(this.db, '2', FOREIGN_RUN);
    await seedLoggedModel(this.db, '1', MODEL);
    this.app = await ArtifactTestApp.start(this.db, this.bucket, { masterKeys, activeKeyId: 'k1' });
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await emptyBucket(this.s3, this.bucket).catch(() => undefined);
    await this.db?.drop();
  }

  async record(path: string): Promise<ArtifactRow> {
    return ((await this.db.dataSource.query(`SELECT * FROM artifacts WHERE path = $1`, [path])) as ArtifactRow[])[0];
  }

  async stored(path: string): Promise<Buffer> {
    return readObject(this.s3, this.bucket, (await this.record(path)).object_key);
  }

  async rewrite(path: string, bytes: Buffer): Promise<void> {
    await this.s3.putObject(this.bucket, (await this.record(path)).object_key, bytes, bytes.length);
  }

  put(path: string, body: Buffer | Readable, headers: Record<string, string> = {}, as = alice): Promise<Reply> {
    return this.app.request(as, 'PUT', `${API}/${path}`, body, headers);
  }

  download(path: string, as = alice): Promise<Reply> {
    return this.app.request(as, 'GET', `${API}/${path}`);
  }
}
