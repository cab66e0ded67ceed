import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EVENTING_MIGRATIONS, PG_SESSION_OPTIONS } from '@custos/eventing';
import { infraEnv, pgUrl } from './infra-env';

export interface TestDatabase {
  name: string;
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh database on the real test cluster, with the event backbone's tables, per test file. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes migration classes
export async function createTestDatabase(prefix: string, migrations: Function[] = []): Promise<TestDatabase> {
  const env = infraEnv();
  const name = `t_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: pgUrl('postgres', env) });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = pgUrl(name, env);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...EVENTING_MIGRATIONS, ...migrations],
    migrationsTableName: 'schema_migrations',
    extra: { max: 10, options: PG_SESSION_OPTIONS },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    name,
    url,
    dataSource,
    async drop() {
      await dataSource.destroy();
      await dropDatabase(name, env);
    },
  };
}

/** Drops a test's database, waiting out a session FORCE may not end. */
export async function dropDatabase(name: string, env = infraEnv()): Promise<void> {
  const c = new Client({ connectionString: pgUrl('postgres', env) });
  await c.connect();
  try {
    // FORCE may not end another role's session (a command a test ran in its own process, still
    // closing, or an autovacuum worker): that one goes by itself, so wait for it rather than fail the suite.
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '42501' || attempt >= 40) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await c.end();
  }
}
