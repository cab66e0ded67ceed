import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { dropDatabase, infraEnv, LateTcpProxy, pgUrl, stackEnv, waitFor } from '@custos/testing';
import { InternalTokenSecret } from '@custos/platform';

/**
 * A service started before PostgreSQL and Kafka answer must not crash-loop: it serves
 * /health/live, reports not-ready, keeps retrying, and becomes ready once they are up.
 */
describe('a service started before its dependencies', () => {
  const env = infraEnv();
  const database = `late_registry_${randomBytes(3).toString('hex')}`;
  let pg: LateTcpProxy;
  let kafka: LateTcpProxy;
  let child: ChildProcess;
  let port: number;
  let exited = false;
  let output = '';

  beforeAll(async () => {
    const admin = new Client({ connectionString: pgUrl('postgres', env) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    pg = await LateTcpProxy.reserve(env.pgHost, env.pgPort);
    const [kHost, kPort] = env.kafkaBrokers[0].split(':');
    kafka = await LateTcpProxy.reserve(kHost, Number(kPort));
    port = (await LateTcpProxy.reserve('127.0.0.1', 1)).port;
    child = spawn(process.execPath, [resolve(__dirname, '../../../dist/apps/registry/src/main.js')], {
      env: {
        PATH: process.env.PATH,
        HTTP_PORT: String(port),
        METRICS_PORT: '0',
        DATABASE_URL: `postgres://${env.pgUser}:${env.pgPassword}@127.0.0.1:${pg.port}/${database}`,
        KAFKA_BROKERS: `127.0.0.1:${kafka.port}`,
        INTERNAL_TOKEN_KEY: InternalTokenSecret.fromBase64(stackEnv().secrets.INTERNAL_TOKEN_SECRET).exportKeyFor('registry'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', () => (exited = true));
  });

  afterAll(async () => {
    if (!exited) child.kill('SIGKILL');
    await pg.close();
    await kafka.close();
    await dropDatabase(database, env);
  });

  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({ status: r.status, body: (await r.json()) as { checks?: Record<string, boolean> } }));

  it('is live but not ready while PostgreSQL and Kafka are unreachable, and keeps running', async () => {
    await waitFor('liveness', async () => (await get('/health/live')).status === 200, 30_000);
    for (let i = 0; i < 5; i++) {
      const ready = await get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toMatchObject({ postgres: false, kafka: false });
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(exited).toBe(false);
  });

  it('becomes ready once they answer, with its migrations applied', async () => {
    await pg.open();
    await kafka.open();
    const ready = await waitFor(
      'readiness',
      async () => {
        const r = await get('/health/ready');
        return r.status === 200 ? r : undefined;
      },
      60_000,
      250,
    );
    expect(ready.body.checks).toMatchObject({ postgres: true, kafka: true, 'consumer:lineage': true });
    const db = new Client({ connectionString: pgUrl(database, env) });
    await db.connect();
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations`);
    await db.end();
    expect(rows[0].n).toBeGreaterThanOrEqual(2);
    expect(exited).toBe(false);
  });

  it('shuts down gracefully on SIGTERM: consumers drained, relay flushed, then exit', async () => {
    child.kill('SIGTERM');
    const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no exit: ${output.slice(-2000)}`)), 20_000));
    const [code, signal] = await Promise.race([exit, timeout]);
    // Nest re-raises the signal after its shutdown hooks ran, so the exit is "by SIGTERM" after a clean stop.
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(output).toContain('"msg":"stopped"');
  });
});
