import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The data folder of the stack the test command started (scripts/test.sh exports it). */
export function dataDir(): string {
  return process.env.CUSTOS_DATA_DIR ?? resolve(__dirname, '../../../../.data/test');
}

/** Reads KEY=VALUE (optionally `export`-prefixed) lines written by scripts/infra.sh and stack.sh. */
export function readEnvFile(name: string): Record<string, string> {
  const file = join(dataDir(), name);
  if (!existsSync(file)) throw new Error(`${file} not found: start the stack with scripts/test.sh (or scripts/infra.sh up)`);
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
  return out;
}

export interface InfraEnv {
  pgHost: string;
  pgPort: number;
  pgUser: string;
  pgPassword: string;
  kafkaBrokers: string[];
  s3Endpoint: string;
  s3AccessKey: string;
  s3SecretKey: string;
}

export function infraEnv(): InfraEnv {
  const e = readEnvFile('infra.env');
  return {
    pgHost: e.CUSTOS_PG_HOST,
    pgPort: Number(e.CUSTOS_PG_PORT),
    pgUser: e.CUSTOS_PG_USER,
    pgPassword: e.CUSTOS_PG_PASSWORD,
    kafkaBrokers: e.KAFKA_BROKERS.split(','),
    s3Endpoint: e.S3_ENDPOINT,
    s3AccessKey: e.S3_ACCESS_KEY,
    s3SecretKey: e.S3_SECRET_KEY,
  };
}

export function pgUrl(database: string, env = infraEnv()): string {
  return `postgres://${encodeURIComponent(env.pgUser)}:${encodeURIComponent(env.pgPassword)}@${env.pgHost}:${env.pgPort}/${database}`;
}

export interface StackEnv {
  gatewayUrl: string;
  adminKey: string;
  serviceUrl: Record<'tracking' | 'registry' | 'authz' | 'audit', string>;
  /** Each service's internal metrics listener (`/metrics` is served nowhere else). */
  metricsUrl: Record<'gateway' | 'tracking' | 'registry' | 'authz' | 'audit', string>;
  secrets: Record<string, string>;
}

export function stackEnv(): StackEnv {
  const s = readEnvFile('stack.env');
  const secrets = readEnvFile('secrets.env');
  return {
    gatewayUrl: s.CUSTOS_GATEWAY_URL,
    adminKey: secrets.BOOTSTRAP_ADMIN_API_KEY,
    serviceUrl: { tracking: s.CUSTOS_TRACKING_URL, registry: s.CUSTOS_REGISTRY_URL, authz: s.CUSTOS_AUTHZ_URL, audit: s.CUSTOS_AUDIT_URL },
    metricsUrl: {
      gateway: s.CUSTOS_GATEWAY_METRICS_URL,
      tracking: s.CUSTOS_TRACKING_METRICS_URL,
      registry: s.CUSTOS_REGISTRY_METRICS_URL,
      authz: s.CUSTOS_AUTHZ_METRICS_URL,
      audit: s.CUSTOS_AUDIT_METRICS_URL,
    },
    secrets,
  };
}
