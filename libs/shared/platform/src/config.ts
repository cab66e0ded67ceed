import { z } from 'zod/v4';

export class ConfigError extends Error {
  constructor(
    readonly variables: string[],
    detail: string,
  ) {
    super(`invalid configuration: ${detail}`);
  }
}

/** Parses the environment once at boot; the error names every bad or missing variable. */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data as z.infer<S>;
  const issues = result.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message }));
  throw new ConfigError(
    issues.map((i) => i.variable),
    issues.map((i) => `${i.variable}: ${i.message}`).join('; '),
  );
}

const port = z.coerce.number().int().min(1).max(65535);
const csv = z
  .string()
  .min(1)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const base64Key = z
  .string()
  .min(40)
  .regex(/^[A-Za-z0-9+/=]+$/, 'must be base64');

/** Settings every service needs; services extend this schema with their own. */
export const baseServiceEnv = z.object({
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port,
  /** `/metrics` is served here only (decision 026); default: HTTP_PORT + 1000; 0: any free port. */
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  KAFKA_BROKERS: csv,
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  /** Replicas of each topic the services create, and how many must hold a write before it is acknowledged (acks=all). */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).default(1),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(32).default(1),
  /** A consumer killed without leaving its group holds its partitions this long (decision 028). */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(10_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** This service's key for the gateway's internal tokens (decision 039); the gateway derives its own from its secret. */
  INTERNAL_TOKEN_KEY: base64Key,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** A connection that moves no byte for this long is closed (in place of a whole-request deadline). */
  HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** An access change answers once every enforcing service applied it, or after this long (decision 031); 0: at once. */
  ACCESS_PROPAGATION_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
});
export type BaseServiceConfig = z.infer<typeof baseServiceEnv>;

export const s3Env = z.object({
  S3_ENDPOINT: z.url(),
  S3_ACCESS_KEY: z.string().min(3),
  S3_SECRET_KEY: z.string().min(8),
  S3_REGION: z.string().default('us-east-1'),
});

export const envSchemas = { port, csv, base64Key };
