import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const main = resolve(__dirname, '../../../dist/apps/audit/src/main.js');

/** A bad or missing setting stops the service at once, naming the variable, instead of half-starting. */
describe('configuration is validated at start', () => {
  it.each([
    ['missing DATABASE_URL', { KAFKA_BROKERS: '127.0.0.1:1', INTERNAL_TOKEN_KEY: 'A'.repeat(44) }, 'DATABASE_URL'],
    ['malformed HTTP_PORT', { HTTP_PORT: 'eighty', DATABASE_URL: 'postgres://x@y/z', KAFKA_BROKERS: '127.0.0.1:1', INTERNAL_TOKEN_KEY: 'A'.repeat(44) }, 'HTTP_PORT'],
    ['non-postgres DATABASE_URL', { DATABASE_URL: 'mysql://x@y/z', KAFKA_BROKERS: '127.0.0.1:1', INTERNAL_TOKEN_KEY: 'A'.repeat(44) }, 'DATABASE_URL'],
  ])('%s: exits non-zero naming the variable', (_label, env, variable) => {
    const r = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).not.toBe(0);
    const line = JSON.parse(r.stderr.trim().split('\n').pop()!) as { variables: string[] };
    expect(line).toMatchObject({ level: 'fatal', service: 'audit' });
    expect(line.variables).toContain(variable);
  });
});
