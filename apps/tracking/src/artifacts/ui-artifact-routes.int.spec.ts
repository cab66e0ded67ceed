import { randomBytes } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import { DEFAULT_CHUNK_SIZE } from '@custos/artifact-crypto';
import { Principal } from '@custos/rbac';
import { alice, API, ArtifactSuite, bob, json, masterKey, MODEL, Reply, ROOT, RUN, seedLoggedModel } from './artifact-test-app.spec-helper';
import { ArtifactService } from './artifact.service';

jest.setTimeout(120_000);

/** Reads experiment 1 (a grant), may not write to it. */
const carol: Principal = { id: 'carol', kind: 'user', roles: [], groups: [] };
const INVALID_PATH = { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' };
const DENIED = { error_code: 'PERMISSION_DENIED', message: 'Permission denied' };
const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();

/**
 * The artifact routes MLflow's web UI uses besides the proxy (`/get-artifact`, `upload-artifact`,
 * a logged model's `artifacts/directories` and `artifacts/files`), `.` as a directory's own name,
 * and MLflow's order of checks: the caller's access first, then the path's shape.
 */
describe('MLflow UI artifact routes on real PostgreSQL and MinIO', () => {
  const s = new ArtifactSuite();
  const weights = randomBytes(70_000);
  beforeAll(async () => {
    await s.start(`k1:${masterKey()}`);
    await s.db.dataSource.query(`INSERT INTO access_grants (subject_kind, subject_id, resource_type, resource_pattern, permission) VALUES ('principal', 'carol', 'experiment', '1', 'READ')`);
    expect((await s.put(`${ROOT}/notes/hello.txt`, Buffer.from('hello'))).status).toBe(200);
    expect((await s.put(`${ROOT}/top.txt`, Buffer.from('top'))).status).toBe(200);
    expect((await s.put(`1/models/${MODEL}/artifacts/MLmodel`, Buffer.from('flavors: {}\n'))).status).toBe(200);
    expect((await s.put(`1/models/${MODEL}/artifacts/data/weights.bin`, weights)).status).toBe(200);
  });
  afterAll(() => s.stop());

  describe('GET /get-artifact and /ajax-api/2.0/mlflow/get-artifact', () => {
    it.each(['/get-artifact', '/ajax-api/2.0/mlflow/get-artifact'])('%s answers the file bytes, by run_id or run_uuid', async (route) => {
      for (const runParam of ['run_id', 'run_uuid']) {
        const r = await s.app.request(alice, 'GET', `${route}?${qs({ path: 'notes/hello.txt', [runParam]: RUN })}`);
        expect(r.status).toBe(200);
        expect(r.body.toString()).toBe('hello');
        expect(r.headers['content-disposition']).toBe('attachment; filename="hello.txt"');
      }
    });

    it('answers 404 for a missing file and for a run the caller may not read, alike', async () => {
      const missing = await s.app.request(alice, 'GET', `/get-artifact?${qs({ run_id: RUN, path: 'nope.txt' })}`);
      expect(missing.status).toBe(404);
      const hidden = await s.app.request(bob, 'GET', `/get-artifact?${qs({ run_id: RUN, path: 'notes/hello.txt' })}`);
      expect(hidden.status).toBe(404);
      expect(json(hidden).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      const ghost = await s.app.request(bob, 'GET', `/get-artifact?${qs({ run_id: 'f'.repeat(32), path: 'notes/hello.txt' })}`);
      expect([ghost.status, json(ghost).error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    });

    it('answers "Invalid path" to a reader, and the missing run\'s 404 to a caller who may not read', async () => {
      for (const path of ['../../2/x/artifacts/y', '/etc/passwd', 'a#b', '.']) {
        const r = await s.app.request(alice, 'GET', `/get-artifact?${qs({ run_id: RUN, path })}`);
        expect([r.status, json(r)]).toEqual([400, INVALID_PATH]);
        const stranger = await s.app.request(bob, 'GET', `/get-artifact?${qs({ run_id: RUN, path })}`);
        expect([stranger.status, json(stranger)]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${RUN} not found` }]);
      }
    });
  });

  describe('HEAD on a download answers from the record, never reading the object', () => {
    const reads = async (path: string) =>
      Number(((await s.db.dataSource.query(`SELECT count(*) AS n FROM events WHERE type = 'tracking.ArtifactDownloaded' AND data->>'path' = $1`, [path])) as { n: string }[])[0].n);
    const DOWNLOAD_HEADERS = ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'cache-control'];
    const downloadHeaders = (r: Reply) => Object.fromEntries(DOWNLOAD_HEADERS.map((h) => [h, r.headers[h]]));
    // Its own model, so the listings below see only MODEL's files.
    const HEAD_MODEL = 'm-00000000000000ad';
    beforeAll(() => seedLoggedModel(s.db, '1', HEAD_MODEL));

    it.each([
      ['/get-artifact', `${ROOT}/head/a.png`, `/get-artifact?${qs({ run_id: RUN, path: 'head/a.png' })}`],
      ['/ajax-api/2.0/mlflow/get-artifact', `${ROOT}/head/b.png`, `/ajax-api/2.0/mlflow/get-artifact?${qs({ run_uuid: RUN, path: 'head/b.png' })}`],
      ['logged model artifacts/files', `1/models/${HEAD_MODEL}/artifacts/c.png`, `/ajax-api/2.0/mlflow/logged-models/${HEAD_MODEL}/artifacts/files?${qs({ artifact_file_path: 'c.png' })}`],
    ])('%s: the same headers as GET, with the stored object gone and no read recorded', async (_route, stored, url) => {
      const body = randomBytes(70_000);
      expect((await s.put(stored, body)).status).toBe(200);
      const get = await s.app.request(alice, 'GET', url);
      expect([get.status, get.body.length]).toEqual([200, body.length]);
      expect(get.headers['content-type']).toBe('image/png');
      expect(await reads(stored)).toBe(1);
      // Only the record remains: a HEAD that opened the object would fail now, as GET does.
      await s.s3.removeObject(s.bucket, (await s.record(stored)).object_key);
      const head = await s.app.request(alice, 'HEAD', url);
      expect([head.status, head.body.length]).toEqual([200, 0]);
      expect(downloadHeaders(head)).toEqual(downloadHeaders(get));
      expect(await reads(stored)).toBe(1);
      expect((await s.app.request(alice, 'GET', url)).status).toBe(409);
    });

    it('refuses as GET does: 404 for a missing file and for a caller who may not read', async () => {
      expect((await s.app.request(alice, 'HEAD', `/get-artifact?${qs({ run_id: RUN, path: 'head/none.csv' })}`)).status).toBe(404);
      expect((await s.app.request(bob, 'HEAD', `/get-artifact?${qs({ run_id: RUN, path: 'notes/hello.txt' })}`)).status).toBe(404);
      expect((await s.app.request(bob, 'HEAD', `/ajax-api/2.0/mlflow/logged-models/${MODEL}/artifacts/files?${qs({ artifact_file_path: 'MLmodel' })}`)).status).toBe(404);
      expect((await s.app.request(alice, 'HEAD', `/get-artifact?${qs({ run_id: RUN, path: '../x' })}`)).status).toBe(400);
    });
  });

  describe('POST /ajax-api/2.0/mlflow/upload-artifact', () => {
    const upload = (as: Principal, params: Record<string, string>, body: Buffer, headers: Record<string, string> = {}) =>
      s.app.request(as, 'POST', `/ajax-api/2.0/mlflow/upload-artifact?${qs(params)}`, body, { 'content-type': 'application/octet-stream', ...headers });

    it('stores the body (encrypted, like every artifact) where the proxy and get-artifact read it', async () => {
      const body = Buffer.from('{"a": 1}');
      const r = await upload(alice, { run_uuid: RUN, path: 'ui/config.json' }, body, { 'content-type': 'application/json' });
      expect(r.status).toBe(200);
      expect(r.body.length).toBe(0);
      expect((await s.download(`${ROOT}/ui/config.json`)).body).toEqual(body);
      expect((await s.stored(`${ROOT}/ui/config.json`)).includes(body)).toBe(false);
      expect((await upload(alice, { run_id: RUN, path: 'ui/by-run-id.txt' }, Buffer.from('x'))).status).toBe(200);
    });

    it('streams the body into the encrypting upload as it arrives (a body of several encryption frames)', async () => {
      const body = randomBytes(3 * DEFAULT_CHUNK_SIZE + 1234);
      const service = s.app.get(ArtifactService);
      const realUpload = service.upload.bind(service);
      // What the upload is handed, piece by piece: a buffered body would arrive as one piece.
      const pieces: number[] = [];
      const spy = jest.spyOn(service, 'upload').mockImplementation((loc, stream, declared) => {
        const tap = new Transform({ transform: (chunk: Buffer, _enc, done) => done(null, (pieces.push(chunk.length), chunk)) });
        pipeline(stream, tap, () => undefined);
        return realUpload(loc, tap, declared);
      });
      try {
        expect((await upload(alice, { run_uuid: RUN, path: 'ui/frames.bin' }, body)).status).toBe(200);
      } finally {
        spy.mockRestore();
      }
      expect(pieces.length).toBeGreaterThan(1);
      expect(Math.max(...pieces)).toBeLessThan(body.length);
      const back = await s.app.request(alice, 'GET', `/get-artifact?${qs({ run_id: RUN, path: 'ui/frames.bin' })}`);
      expect([back.status, back.body.equals(body)]).toEqual([200, true]);
      expect(Number((await s.record(`${ROOT}/ui/frames.bin`)).size)).toBe(body.length);
    });

    it.each([
      ['no run', { path: 'a.txt' }, Buffer.from('x'), 'Request must specify run_uuid.'],
      ['no path', { run_uuid: RUN }, Buffer.from('x'), 'Request must specify path.'],
      ['no data', { run_uuid: RUN, path: 'a.txt' }, Buffer.alloc(0), 'Request must specify data.'],
      ['more than 10 MB', { run_uuid: RUN, path: 'a.txt' }, Buffer.alloc(10 * 1024 * 1024 + 1), 'Artifact size is too large. Max size is 10MB.'],
      ['an unsafe path', { run_uuid: RUN, path: '../escape.txt' }, Buffer.from('x'), 'Invalid path'],
    ])("refuses %s in MLflow's words", async (_name, params, body, message) => {
      const r = await upload(alice, params, body);
      expect([r.status, json(r)]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message }]);
    });

    it('refuses past 10 MB by the bytes that arrive, without a declared length', async () => {
      const { Readable } = await import('node:stream');
      const chunks = Array.from({ length: 11 }, () => Buffer.alloc(1024 * 1024, 1));
      const r = await s.app.request(alice, 'POST', `/ajax-api/2.0/mlflow/upload-artifact?${qs({ run_uuid: RUN, path: 'big.bin' })}`, Readable.from(chunks), {
        'content-type': 'application/octet-stream',
      });
      expect([r.status, json(r).message]).toEqual([400, 'Artifact size is too large. Max size is 10MB.']);
      expect(await s.record(`${ROOT}/big.bin`)).toBeUndefined();
    });

    it("checks the caller first: a reader gets MLflow's 403 and a stranger the 404, whatever the path", async () => {
      for (const path of ['ok.txt', '../escape.txt']) {
        const reader = await upload(carol, { run_uuid: RUN, path }, Buffer.from('x'));
        expect([reader.status, json(reader)]).toEqual([403, DENIED]);
        const stranger = await upload(bob, { run_uuid: RUN, path }, Buffer.from('x'));
        expect([stranger.status, json(stranger).error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
      }
      expect(await s.record(`${ROOT}/ok.txt`)).toBeUndefined();
    });
  });

  describe('"." names the directory itself', () => {
    it('artifacts/list with path "." and "./" lists the root', async () => {
      const root = json(await s.app.request(alice, 'GET', `/api/2.0/mlflow/artifacts/list?${qs({ run_id: RUN })}`));
      expect((root.files as { path: string }[]).map((f) => f.path)).toEqual(expect.arrayContaining(['notes', 'top.txt']));
      for (const path of ['.', './']) {
        const r = await s.app.request(alice, 'GET', `/api/2.0/mlflow/artifacts/list?${qs({ run_id: RUN, path })}`);
        expect([r.status, json(r)]).toEqual([200, root]);
      }
      const sub = json(await s.app.request(alice, 'GET', `/api/2.0/mlflow/artifacts/list?${qs({ run_id: RUN, path: './notes' })}`));
      expect(sub.files).toEqual([{ path: 'notes/hello.txt', is_dir: false, file_size: 5 }]);
    });

    it('the proxy lists <root>/. and <root>/./sub, as the stock client sends for download_artifacts(run_id, ".")', async () => {
      const root = json(await s.app.request(alice, 'GET', `${API}?${qs({ path: ROOT })}`));
      expect(json(await s.app.request(alice, 'GET', `${API}?${qs({ path: `${ROOT}/.` })}`))).toEqual(root);
      expect(json(await s.app.request(alice, 'GET', `${API}?${qs({ path: `${ROOT}/./notes` })}`))).toEqual({ files: [{ path: 'hello.txt', is_dir: false, file_size: 5 }] });
    });
  });

  describe('the proxy checks the caller before the path', () => {
    const badPaths = [`${ROOT}/../../2/x/artifacts/y`, `${ROOT}/%2e%2e/x`, `${ROOT}/a%2fb`, `1/${RUN}/artifacts//x`];
    it.each(badPaths)('%s: 400 "Invalid path" for the owner, 403 for a reader writing, 404 for a stranger', async (path) => {
      expect(await answer(s.put(path, Buffer.from('x')))).toEqual([400, INVALID_PATH]);
      expect(await answer(s.put(path, Buffer.from('x'), {}, carol))).toEqual([403, DENIED]);
      expect(await answer(s.app.request(carol, 'DELETE', `${API}/${path}`))).toEqual([403, DENIED]);
      expect((await answer(s.put(path, Buffer.from('x'), {}, bob)))[0]).toBe(404);
      expect((await answer(s.download(path, bob)))[0]).toBe(404);
      // A reader may read: the shape is what is wrong.
      expect(await answer(s.download(path, carol))).toEqual([400, INVALID_PATH]);
    });

    it('the listing query alike', async () => {
      const path = `${ROOT}/../../2`;
      expect(await answer(s.app.request(alice, 'GET', `${API}?${qs({ path })}`))).toEqual([400, INVALID_PATH]);
      expect((await answer(s.app.request(bob, 'GET', `${API}?${qs({ path })}`)))[0]).toBe(404);
    });

    it("a path that names no experiment is invalid for anyone (it names nobody's artifacts)", async () => {
      expect(await answer(s.app.request(bob, 'GET', `${API}?${qs({ path: '../1' })}`))).toEqual([400, INVALID_PATH]);
    });
  });

  describe("a logged model's artifacts by model id", () => {
    const M = `/ajax-api/2.0/mlflow/logged-models/${MODEL}/artifacts`;

    it.each([`/api/2.0/mlflow/logged-models/${MODEL}/artifacts/directories`, `${M}/directories`])('%s lists in MLflow shape, paths relative to the model root', async (route) => {
      const rootUri = `mlflow-artifacts:/1/models/${MODEL}/artifacts`;
      const root = await s.app.request(alice, 'GET', route);
      expect([root.status, json(root)]).toEqual([
        200,
        {
          root_uri: rootUri,
          files: [
            { path: 'MLmodel', is_dir: false, file_size: 12 },
            { path: 'data', is_dir: true },
          ],
        },
      ]);
      expect(json(await s.app.request(alice, 'GET', `${route}?${qs({ artifact_directory_path: '.' })}`))).toEqual(json(root));
      expect(json(await s.app.request(alice, 'GET', `${route}?${qs({ artifact_directory_path: 'data' })}`))).toEqual({
        root_uri: rootUri,
        files: [{ path: 'data/weights.bin', is_dir: false, file_size: weights.length }],
      });
      expect(json(await s.app.request(alice, 'GET', `${route}?${qs({ artifact_directory_path: 'none' })}`))).toEqual({ root_uri: rootUri });
      expect(await answer(s.app.request(alice, 'GET', `${route}?${qs({ artifact_directory_path: '../x' })}`))).toEqual([400, INVALID_PATH]);
      expect((await answer(s.app.request(bob, 'GET', `${route}?${qs({ artifact_directory_path: '../x' })}`)))[0]).toBe(404);
    });

    it("files answers one file's bytes", async () => {
      const r = await s.app.request(alice, 'GET', `${M}/files?${qs({ artifact_file_path: 'data/weights.bin' })}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(weights);
      expect(await answer(s.app.request(alice, 'GET', `${M}/files`))).toEqual([400, { error_code: 'BAD_REQUEST', message: 'Request must include the "artifact_file_path" query parameter.' }]);
      expect(await answer(s.app.request(alice, 'GET', `${M}/files?${qs({ artifact_file_path: '../../x' })}`))).toEqual([400, INVALID_PATH]);
      expect((await answer(s.app.request(bob, 'GET', `${M}/files?${qs({ artifact_file_path: 'MLmodel' })}`)))[0]).toBe(404);
      expect((await answer(s.app.request(alice, 'GET', `/ajax-api/2.0/mlflow/logged-models/m-unknown/artifacts/files?${qs({ artifact_file_path: 'MLmodel' })}`)))[0]).toBe(404);
    });
  });
});

async function answer(reply: Promise<Reply>): Promise<[number, Record<string, unknown>]> {
  const r = await reply;
  return [r.status, json(r)];
}
