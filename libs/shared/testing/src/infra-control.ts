import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { dataDir, infraEnv } from './infra-env';

/**
 * Restarts one part of the test stack (scripts/infra.sh) and resolves once it is healthy again;
 * `downMs` keeps it stopped that long first (an outage longer than a client's own retries). Ports
 * are taken from the running stack itself (infra.env and Kafka's rendered config), so the part
 * comes back where the other tests expect it whatever this shell exported.
 */
export async function restartInfra(part: 'pg' | 'kafka', { downMs = 0 }: { downMs?: number } = {}): Promise<void> {
  const env = infraEnv();
  const dir = dataDir();
  const voters = /^controller\.quorum\.voters=\d+@.*:(\d+)$/m.exec(readFileSync(join(dir, 'kafka', 'server.properties'), 'utf8'));
  const infra = (command: string) =>
    promisify(execFile)('bash', [resolve(__dirname, '../../../../scripts/infra.sh'), command, part], {
      env: {
        ...process.env,
        CUSTOS_DATA_DIR: dir,
        CUSTOS_PG_PORT: String(env.pgPort),
        CUSTOS_KAFKA_PORT: env.kafkaBrokers[0].split(':').pop(),
        ...(voters ? { CUSTOS_KAFKA_CONTROLLER_PORT: voters[1] } : {}),
      },
      timeout: 180_000,
    });
  if (downMs === 0) {
    await infra('restart');
    return;
  }
  await infra('down');
  await new Promise((r) => setTimeout(r, downMs));
  await infra('up');
}
