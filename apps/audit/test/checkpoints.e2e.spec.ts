import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { call, waitFor } from '@custos/testing';

const cli = resolve(__dirname, '../../../dist/apps/audit/src/verify-cli.js');

interface Checkpoint {
  size: number;
  root: string;
  keyId: string;
}

/**
 * On the live stack: an event reaches audit, the next signed checkpoint covers it, and the entry
 * is verified by the offline CLI with nothing but the public key and files.
 */
describe('signed audit checkpoints, verified offline', () => {
  /** The gateway's own request id of the creation: its audit entry's correlation id. */
  let correlationId: string;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'custos-verify-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('covers a new entry with a signed checkpoint that the CLI verifies', async () => {
    const created = await call('POST', '/api/2.0/mlflow/experiments/create', { body: { name: `e2e-ckpt-${randomUUID()}` } });
    expect(created.status).toBe(200);
    correlationId = created.headers.get('x-correlation-id')!;
    const entry = await waitFor('audit entry', async () => {
      const r = await call<{ entries: { sequence: number; type: string }[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`);
      return r.body.entries?.find((e) => e.type === 'tracking.ExperimentCreated');
    });
    const latest = await waitFor(
      'a checkpoint covering the entry',
      async () => {
        const r = await call<{ checkpoint: Checkpoint }>('GET', '/api/audit/checkpoints/latest');
        return r.status === 200 && r.body.checkpoint.size >= entry.sequence ? r.body : undefined;
      },
      45_000,
      500,
    );
    const key = await call<{ publicKey: string; keyId: string }>('GET', '/api/audit/public-key');
    expect(key.body.keyId).toBe(latest.checkpoint.keyId);
    const proof = await call<{ entry: string; treeSize: number; root: string }>('GET', `/api/audit/proof/inclusion?sequence=${entry.sequence}&size=${latest.checkpoint.size}`);
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({ treeSize: latest.checkpoint.size, root: latest.checkpoint.root });

    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(latest.checkpoint));
    writeFileSync(join(dir, 'proof.json'), JSON.stringify(proof.body));
    writeFileSync(join(dir, 'entry.json'), `${proof.body.entry}\n`);
    writeFileSync(join(dir, 'forged.json'), proof.body.entry.replace(correlationId, `${correlationId}-forged`));
    const run = (entryFile: string) =>
      spawnSync(process.execPath, [cli, '--public-key', key.body.publicKey, '--checkpoint', join(dir, 'checkpoint.json'), '--entry', join(dir, entryFile), '--proof', join(dir, 'proof.json')], {
        encoding: 'utf8',
        timeout: 20_000,
      });
    const ok = run('entry.json');
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, sequence: entry.sequence, treeSize: latest.checkpoint.size });
    const forged = run('forged.json');
    expect({ status: forged.status, stderr: forged.stderr }).toEqual({ status: 1, stderr: '' });
    expect(JSON.parse(forged.stdout)).toMatchObject({ ok: false, step: 'inclusion' });
  });

  it('answers problem+json for a proof beyond the tree', async () => {
    const r = await call<{ status: number; title: string }>('GET', '/api/audit/proof/inclusion?sequence=2&size=1');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 400, title: 'INVALID_PARAMETER_VALUE' });
  });

  it('refuses a query of the wrong type, an unknown one or a missing one with a sentence naming it (decision 040)', async () => {
    for (const [query, detail] of [
      ['events?limit=1.5', "Field 'limit' must be a whole number from 1 to 1000."],
      ['events?after=-1', "Field 'after' must be a whole number from 0 to 9007199254740991."],
      ['events?actor=alice', "Unknown field 'actor'."],
      ['proof/inclusion?size=3', "Missing value for required field 'sequence'."],
    ]) {
      const r = await call<{ detail: string }>('GET', `/api/audit/${query}`);
      expect([query, r.status, r.headers.get('content-type'), r.body]).toEqual([
        query,
        400,
        expect.stringContaining('application/problem+json'),
        { type: 'urn:custos:error:invalid_parameter_value', title: 'INVALID_PARAMETER_VALUE', status: 400, detail },
      ]);
    }
  });
});
