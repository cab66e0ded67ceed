import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { MAGIC } from '@custos/artifact-crypto';
import { waitFor } from '@custos/testing';
import { ArtifactService } from './artifact.service';
import { ArtifactObjectStore, PARTS_IN_FLIGHT, partSizeFor } from './object-store.service';
import { admin, alice, API, ArtifactRow, ArtifactSuite, bob, FOREIGN_RUN, json, masterKey, MODEL, OTHER_RUN, ROOT, RUN, sha256 } from './artifact-test-app.spec-helper';

// Real uploads of tens of MiB through encryption and MinIO on a shared two-core machine.
jest.setTimeout(120_000);
const PART = partSizeFor(1);

describe('MLflow artifact proxy on real PostgreSQL and MinIO', () => {
  const s = new ArtifactSuite();
  beforeAll(() => s.start(`k1:${masterKey()}`));
  afterAll(() => s.stop());

  it('encrypts on upload: MinIO holds only ciphertext, the download gives the bytes back with safe headers', async () => {
    const marker = 'PLAINTEXT-MARKER-do-not-store-me';
    const body = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `${marker} line ${i}\n`).join(''));
    const up = await s.put(`${ROOT}/logs/train.txt`, body, { 'content-type': 'text/plain' });
    expect(up.status).toBe(200);
    expect(json(up)).toEqual({});

    const rec = await s.record(`${ROOT}/logs/train.txt`);
    expect(rec).toMatchObject({ key_id: 'k1', size: String(body.length) });
    const raw = await s.stored(`${ROOT}/logs/train.txt`);
    expect(raw.subarray(0, 4).equals(MAGIC)).toBe(true);
    expect(raw.length).toBeGreaterThan(body.length);
    expect(raw.includes(Buffer.from(marker))).toBe(false);
    expect(raw.includes(Buffer.from('line 1'))).toBe(false);
    // Nothing else in the bucket carries the plaintext either (no temp copies, no metadata).
    const stat = await s.s3.statObject(s.bucket, rec.object_key);
    expect(JSON.stringify(stat.metaData)).not.toContain(marker);

    const down = await s.download(`${ROOT}/logs/train.txt`);
    expect(down.status).toBe(200);
    expect(down.body.equals(body)).toBe(true);
    expect(down.headers['content-type']).toMatch(/^text\/plain/);
    expect(down.headers['content-length']).toBe(String(body.length));
    expect(down.headers['content-disposition']).toBe('attachment; filename="train.txt"');
    expect(down.headers['x-content-type-options']).toBe('nosniff');
  });

  it('takes JSON artifacts as raw bytes: the JSON body parser never sees artifact uploads', async () => {
    const notJson = Buffer.from('{"this is": "not valid json"');
    expect((await s.put(`${ROOT}/broken.json`, notJson, { 'content-type': 'application/json' })).status).toBe(200);
    const down = await s.download(`${ROOT}/broken.json`);
    expect(down.body.equals(notJson)).toBe(true);
    expect(down.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('streams uploads of unknown length (chunked) across several S3 parts, and empty files', async () => {
    const big = randomBytes(20 * 1024 * 1024 + 12_345);
    const up = await s.put(`${ROOT}/model/weights.bin`, Readable.from([big.subarray(0, 7_000_000), big.subarray(7_000_000)]), { 'transfer-encoding': 'chunked' });
    expect(up.status).toBe(200);
    expect((await s.record(`${ROOT}/model/weights.bin`)).size).toBe(String(big.length));
    const down = await s.download(`${ROOT}/model/weights.bin`);
    expect(sha256(down.body)).toBe(sha256(big));

    expect((await s.put(`${ROOT}/empty.txt`, Buffer.alloc(0))).status).toBe(200);
    const empty = await s.download(`${ROOT}/empty.txt`);
    expect(empty.status).toBe(200);
    expect(empty.body.length).toBe(0);
  });

  it('a client that disconnects mid-upload leaves no record, no object and no open multipart upload', async () => {
    const path = `${ROOT}/cut/partial.bin`;
    const headers = await s.app.headersFor(alice, 'PUT', `${API}/${path}`, { 'content-length': String(30 * 1024 * 1024) });
    await new Promise<void>((resolve) => {
      const req = http.request({ host: s.app.baseUrl.hostname, port: s.app.baseUrl.port, method: 'PUT', path: `${API}/${path}`, headers });
      req.on('error', () => resolve());
      req.write(randomBytes(12 * 1024 * 1024), () => setTimeout(() => req.destroy(), 300));
    });
    await waitFor('the aborted upload to be cleaned up', async () => {
      const pending = (await s.db.dataSource.query(`SELECT 1 FROM artifact_object_gc`)) as unknown[];
      return pending.length === 0;
    });
    expect(await s.record(path)).toBeUndefined();
    const incomplete: unknown[] = [];
    for await (const u of s.s3.listIncompleteUploads(s.bucket, '1/', true)) incomplete.push(u);
    expect(incomplete).toEqual([]);
  });

  it('uploads at once, one of them cut off, each store their own bytes (part buffers pass between uploads)', async () => {
    const bodies = [0, 1, 2].map(() => randomBytes(18 * 1024 * 1024 + 777));
    const headers = await s.app.headersFor(alice, 'PUT', `${API}/${ROOT}/cut/concurrent.bin`, { 'content-length': String(40 * 1024 * 1024) });
    const cut = new Promise<void>((resolve) => {
      const req = http.request({ host: s.app.baseUrl.hostname, port: s.app.baseUrl.port, method: 'PUT', path: `${API}/${ROOT}/cut/concurrent.bin`, headers });
      req.on('error', () => resolve());
      req.write(randomBytes(17 * 1024 * 1024), () => setTimeout(() => req.destroy(), 200));
    });
    const ups = await Promise.all([...bodies.map((b, i) => s.put(`${ROOT}/concurrent/${i}.bin`, b)), cut]);
    expect(ups.slice(0, 3).map((u) => u?.status)).toEqual([200, 200, 200]);
    // Sequential uploads after the concurrent ones take the pooled buffers; their bytes must not
    // leak into, or be overwritten by, one another.
    const later = [3, 4].map(() => randomBytes(9 * 1024 * 1024));
    for (const [i, b] of later.entries()) expect((await s.put(`${ROOT}/concurrent/later-${i}.bin`, b)).status).toBe(200);
    for (const [i, b] of bodies.entries()) expect(sha256((await s.download(`${ROOT}/concurrent/${i}.bin`)).body)).toBe(sha256(b));
    for (const [i, b] of later.entries()) expect(sha256((await s.download(`${ROOT}/concurrent/later-${i}.bin`)).body)).toBe(sha256(b));
    expect(await s.record(`${ROOT}/cut/concurrent.bin`)).toBeUndefined();
    expect((await s.app.request(alice, 'DELETE', `${API}/${ROOT}/concurrent`)).status).toBe(200);
  });

  describe('a store slower than the upload', () => {
    const original = () => s.app.get(ArtifactObjectStore).client.uploadPart;
    let restore: () => void;
    afterEach(() => restore());

    /** Each part reaches the real MinIO `delayMs` late; `fail` decides which part number fails instead. */
    function slowStore(delayMs: number, fail: (part: number) => boolean = () => false) {
      const client = s.app.get(ArtifactObjectStore).client;
      const real = original().bind(client);
      const seen = { inFlight: 0, most: 0, sent: 0 };
      const spy = jest.spyOn(client, 'uploadPart').mockImplementation(async (opts, payload) => {
        seen.sent++;
        seen.most = Math.max(seen.most, ++seen.inFlight);
        try {
          await new Promise((r) => setTimeout(r, delayMs));
          if (fail(opts.partNumber)) throw new Error(`part ${opts.partNumber} refused`);
          return await real(opts, payload);
        } finally {
          seen.inFlight--;
        }
      });
      restore = () => spy.mockRestore();
      return seen;
    }

    it('gets three parts in flight at once, never more, and the object reads back whole', async () => {
      const seen = slowStore(400);
      const body = randomBytes(6 * PART + 1_000);
      expect((await s.put(`${ROOT}/slow/whole.bin`, body)).status).toBe(200);
      expect(seen).toMatchObject({ sent: 7, most: PARTS_IN_FLIGHT, inFlight: 0 });
      expect(sha256((await s.download(`${ROOT}/slow/whole.bin`)).body)).toBe(sha256(body));
      expect((await s.app.request(alice, 'DELETE', `${API}/${ROOT}/slow`)).status).toBe(200);
    });

    it('a part that fails while others are in flight aborts the upload: no record, no object, no open upload', async () => {
      const seen = slowStore(300, (part) => part === 2);
      const up = await s.put(`${ROOT}/slow/failed.bin`, randomBytes(6 * PART));
      expect(up.status).toBeGreaterThanOrEqual(500);
      expect(json(up)).toMatchObject({ error_code: expect.any(String) });
      expect(seen.inFlight).toBe(0);
      expect(await s.record(`${ROOT}/slow/failed.bin`)).toBeUndefined();
      const incomplete: unknown[] = [];
      for await (const u of s.s3.listIncompleteUploads(s.bucket, '1/', true)) incomplete.push(u);
      expect(incomplete).toEqual([]);
      await waitFor('the failed upload to leave nothing to collect', async () => ((await s.db.dataSource.query(`SELECT 1 FROM artifact_object_gc`)) as unknown[]).length === 0);
    });
  });

  it('sweeps objects whose upload never committed once their grace period is over', async () => {
    await s.s3.putObject(s.bucket, '1/orphan-object', Buffer.from('orphan'));
    await s.db.dataSource.query(`INSERT INTO artifact_object_gc (object_key, not_before) VALUES ('1/orphan-object', now() - interval '1 second'), ('1/in-flight', now() + interval '1 day')`);
    expect(await s.app.get(ArtifactService).sweep()).toBe(1);
    await expect(s.s3.statObject(s.bucket, '1/orphan-object')).rejects.toMatchObject({ code: 'NotFound' });
    expect(await s.db.dataSource.query(`SELECT object_key FROM artifact_object_gc`)).toEqual([{ object_key: '1/in-flight' }]);
    await s.db.dataSource.query(`DELETE FROM artifact_object_gc`);
  });

  it('lists in MLflow shape, and the run-scoped list gives run-relative paths', async () => {
    const list = await s.app.request(alice, 'GET', `${API}?path=${encodeURIComponent(ROOT)}`);
    expect(json(list)).toEqual({
      files: [
        { path: 'broken.json', is_dir: false, file_size: 28 },
        { path: 'empty.txt', is_dir: false, file_size: 0 },
        { path: 'logs', is_dir: true },
        { path: 'model', is_dir: true },
      ],
    });
    const sub = await s.app.request(alice, 'GET', `${API}?path=${encodeURIComponent(`${ROOT}/model`)}`);
    expect(json(sub)).toEqual({ files: [{ path: 'weights.bin', is_dir: false, file_size: 20 * 1024 * 1024 + 12_345 }] });
    // A file and a missing path list as nothing, as S3 does.
    expect(json(await s.app.request(alice, 'GET', `${API}?path=${encodeURIComponent(`${ROOT}/empty.txt`)}`))).toEqual({});
    expect(json(await s.app.request(alice, 'GET', `${API}?path=${encodeURIComponent(`${ROOT}/nothing`)}`))).toEqual({});

    const runList = await s.app.request(alice, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${RUN}&path=model`);
    expect(json(runList)).toEqual({ root_uri: `mlflow-artifacts:/${ROOT}`, files: [{ path: 'model/weights.bin', is_dir: false, file_size: 20 * 1024 * 1024 + 12_345 }] });
    expect(json(await s.app.request(alice, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${OTHER_RUN}`))).toEqual({ root_uri: `mlflow-artifacts:/1/${OTHER_RUN}/artifacts` });
    expect((await s.app.request(alice, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${RUN}&path=../../x`)).status).toBe(400);
  });

  it('records who uploaded and who read what, on the owner artifact stream', async () => {
    const events = (await s.db.dataSource.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_position`, [`artifact-1/${RUN}`])) as {
      type: string;
      data: { path: string; size: number };
      metadata: { actor: { id: string } };
    }[];
    expect(events.find((e) => e.type === 'tracking.ArtifactUploaded' && e.data.path === `${ROOT}/logs/train.txt`)?.metadata.actor.id).toBe('alice');
    expect(events.find((e) => e.type === 'tracking.ArtifactDownloaded' && e.data.path === `${ROOT}/logs/train.txt`)).toMatchObject({ metadata: { actor: { id: 'alice' } } });
    // The run's own stream (the run decider's, written with optimistic concurrency) is untouched.
    expect(await s.db.dataSource.query(`SELECT 1 FROM events WHERE stream_id = $1`, [`run-${RUN}`])).toHaveLength(0);
  });

  it('answers HEAD with the download headers, reading no bytes and recording no read', async () => {
    const path = `${ROOT}/head/model.bin`;
    const body = randomBytes(300_000);
    expect((await s.put(path, body, {})).status).toBe(200);
    const reads = async () =>
      Number(((await s.db.dataSource.query(`SELECT count(*) AS n FROM events WHERE type = 'tracking.ArtifactDownloaded' AND data->>'path' = $1`, [path])) as { n: string }[])[0].n);
    const head = await s.app.request(alice, 'HEAD', `${API}/${path}`);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers).toMatchObject({ 'content-length': String(body.length), 'content-disposition': 'attachment; filename="model.bin"', 'x-content-type-options': 'nosniff' });
    expect(await reads()).toBe(0);
    expect((await s.app.request(alice, 'HEAD', `${API}/${ROOT}/head/missing.bin`)).status).toBe(404);
    expect((await s.app.request(bob, 'HEAD', `${API}/${path}`)).status).toBe(404);
    expect((await s.download(path)).status).toBe(200);
    expect(await reads()).toBe(1);
  });

  it('a caller without READ gets exactly the 404 of a missing artifact', async () => {
    const missing = await s.download(`${ROOT}/nope.txt`);
    expect(missing.status).toBe(404);
    expect(json(missing)).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No artifact found at '${ROOT}/nope.txt'` });
    const hidden = await s.download(`${ROOT}/nope.txt`, bob);
    expect(hidden.status).toBe(404);
    expect(json(hidden)).toEqual(json(missing));
    for (const r of [
      await s.download(`${ROOT}/logs/train.txt`, bob),
      await s.put(`${ROOT}/x.txt`, Buffer.from('x'), {}, bob),
      await s.app.request(bob, 'GET', `${API}?path=${encodeURIComponent(ROOT)}`),
      await s.app.request(bob, 'DELETE', `${API}/${ROOT}/logs`),
    ]) {
      expect(r.status).toBe(404);
      expect(json(r).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    }
    // The other experiment's owner reads theirs, not ours; an admin reads everything.
    expect((await s.download(`${ROOT}/logs/train.txt`, admin)).status).toBe(200);
  });

  it('refuses a run id that belongs to another experiment, and paths outside an owner root', async () => {
    const borrowed = await s.put(`1/${FOREIGN_RUN}/artifacts/x.txt`, Buffer.from('x'));
    expect(borrowed.status).toBe(404);
    // Custos keeps artifacts only under an owner root: elsewhere in an experiment one may write to,
    // a write is refused as MLflow's auth refuses one (403) and a read finds nothing (404).
    const notRoot = await s.put('1/x.txt', Buffer.from('x'));
    expect(notRoot.status).toBe(403);
    expect(json(notRoot)).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Permission denied' });
    expect((await s.download('1/x.txt')).status).toBe(404);
    expect((await s.app.request(alice, 'GET', `${API}?path=1`)).status).toBe(404);
  });

  it.each([
    ['..', `${ROOT}/../../2/${FOREIGN_RUN}/artifacts/x`],
    ['encoded ..', `${ROOT}/%2e%2e/%2e%2e/x`],
    ['encoded /', `${ROOT}/a%2f..%2f..%2fx`],
    ['double encoding', `${ROOT}/%252e%252e/x`],
    ['backslash', `${ROOT}/..%5c..%5cx`],
    ['NUL', `${ROOT}/a%00b`],
    ['absolute', `/etc/passwd`],
  ])('answers 400 INVALID_PARAMETER_VALUE for %s on every method', async (_name, path) => {
    for (const r of [await s.put(path, Buffer.from('x')), await s.download(path), await s.app.request(alice, 'DELETE', `${API}/${path}`)]) {
      expect(r.status).toBe(400);
      expect(json(r).error_code).toBe('INVALID_PARAMETER_VALUE');
      // NUL is refused before routing, by the service's input check (decision 030), in its own words.
      if (_name !== 'NUL') expect(json(r).message).toBe('Invalid path');
    }
    expect((await s.app.request(alice, 'GET', `${API}?path=${encodeURIComponent(path)}`)).status).toBe(400);
  });

  it('answers MLflow "not supported" for multipart and presigned routes, so the client falls back to the proxy', async () => {
    const mpu = await s.app.request(alice, 'POST', `/api/2.0/mlflow-artifacts/mpu/create/${ROOT}/big.bin`, Buffer.from(JSON.stringify({ path: 'big.bin', num_parts: 3 })), {
      'content-type': 'application/json',
    });
    expect(mpu.status).toBe(501);
    expect(String(json(mpu).message).startsWith('Multipart upload is not supported for the current artifact repository')).toBe(true);
    const presigned = await s.app.request(alice, 'GET', `/api/2.0/mlflow-artifacts/presigned/${ROOT}/big.bin`);
    expect(presigned.status).toBe(501);
  });

  it('uploads and reads logged model artifacts under the model root', async () => {
    const path = `1/models/${MODEL}/artifacts/MLmodel`;
    expect((await s.put(path, Buffer.from('flavors: {}\n'))).status).toBe(200);
    expect((await s.download(path)).body.toString()).toBe('flavors: {}\n');
    expect((await s.put(`1/models/m-unknown/artifacts/MLmodel`, Buffer.from('x'))).status).toBe(404);
    const [ev] = (await s.db.dataSource.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'tracking.ArtifactUploaded'`, [`artifact-1/models/${MODEL}`])) as { data: unknown }[];
    expect(ev.data).toEqual({ path, experimentId: '1', runId: null, size: 12 });
  });

  it('overwrites in place: the new object replaces the old one, which leaves the bucket', async () => {
    await s.put(`${ROOT}/v.txt`, Buffer.from('one'));
    const first = await s.record(`${ROOT}/v.txt`);
    await s.put(`${ROOT}/v.txt`, Buffer.from('two'));
    expect((await s.download(`${ROOT}/v.txt`)).body.toString()).toBe('two');
    await expect(s.s3.statObject(s.bucket, first.object_key)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('deletes a directory of one run only, with an event per file; another run keeps its artifacts', async () => {
    await s.put(`1/${OTHER_RUN}/artifacts/keep.txt`, Buffer.from('keep'));
    const keys = ((await s.db.dataSource.query(`SELECT object_key FROM artifacts WHERE path LIKE $1`, [`${ROOT}/model/%`])) as ArtifactRow[]).map((r) => r.object_key);
    expect((await s.app.request(alice, 'DELETE', `${API}/${ROOT}/model`)).status).toBe(200);
    expect(json(await s.app.request(alice, 'GET', `${API}?path=${encodeURIComponent(`${ROOT}/model`)}`))).toEqual({});
    for (const k of keys) await expect(s.s3.statObject(s.bucket, k)).rejects.toMatchObject({ code: 'NotFound' });
    const [deleted] = (await s.db.dataSource.query(`SELECT data FROM events WHERE type = 'tracking.ArtifactDeleted' AND data->>'path' = $1`, [`${ROOT}/model/weights.bin`])) as { data: unknown }[];
    expect(deleted.data).toEqual({ path: `${ROOT}/model/weights.bin`, experimentId: '1', runId: RUN, size: 20 * 1024 * 1024 + 12_345 });

    expect((await s.app.request(alice, 'DELETE', `${API}/${ROOT}`)).status).toBe(200);
    expect(await s.db.dataSource.query(`SELECT 1 FROM artifacts WHERE path LIKE $1`, [`${ROOT}/%`])).toHaveLength(0);
    expect((await s.download(`1/${OTHER_RUN}/artifacts/keep.txt`)).body.toString()).toBe('keep');
  });
});
