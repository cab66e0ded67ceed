import { randomBytes } from 'node:crypto';
import { DEFAULT_CHUNK_SIZE, FRAME_HEADER_BYTES } from '@custos/artifact-crypto';
import { RotateArtifactKeysCommand } from './rotate-artifact-keys.command';
import { alice, API, ArtifactSuite, ArtifactTestApp, json, masterKey, OTHER_RUN, ROOT, sha256, storedFrames } from './artifact-test-app.spec-helper';

jest.setTimeout(120_000);

const C = DEFAULT_CHUNK_SIZE;
const K1 = masterKey();
const K2 = masterKey();

/** What someone with write access to the bucket (but no keys) can do to stored artifacts, and key rotation. */
describe('artifact integrity and key rotation on real PostgreSQL and MinIO', () => {
  const s = new ArtifactSuite();
  beforeAll(() => s.start(`k1:${K1}`));
  afterAll(() => s.stop());

  describe('tampering with stored objects', () => {
    const plain = randomBytes(5 * C + 1234); // frames 0..4 full, frame 5 final
    const path = `${ROOT}/tamper/weights.bin`;
    let original: Buffer;

    beforeAll(async () => {
      expect((await s.put(path, plain)).status).toBe(200);
      original = await s.stored(path);
      expect((await s.put(`${ROOT}/tamper/other.bin`, randomBytes(5 * C + 1234))).status).toBe(200);
    });
    afterEach(() => s.rewrite(path, original));

    /** A failure past the first chunk: the status went out, the body stops short, every byte sent was verified. */
    async function expectAbortedAfter(verifiedChunks: number) {
      const r = await s.download(path);
      expect(r.status).toBe(200);
      expect(r.aborted).toBeDefined();
      expect(r.body.length).toBeLessThanOrEqual(verifiedChunks * C);
      expect(r.body.equals(plain.subarray(0, r.body.length))).toBe(true);
    }

    it('reads back untampered', async () => {
      expect(sha256((await s.download(path)).body)).toBe(sha256(plain));
    });

    it('a flipped bit in the first chunk answers DATA_LOSS before any byte', async () => {
      const p = storedFrames(original);
      p.frames[0][FRAME_HEADER_BYTES + 10] ^= 0x01;
      await s.rewrite(path, Buffer.concat([p.header, ...p.frames]));
      const r = await s.download(path);
      expect(r.status).toBe(409);
      expect(json(r)).toMatchObject({ error_code: 'DATA_LOSS' });
      expect(String(json(r).message)).toMatch(/artifact integrity check failed: chunk 0 failed authentication/);
    });

    it('a flipped bit in a later chunk stops the download after the verified chunks', async () => {
      const p = storedFrames(original);
      p.frames[3][FRAME_HEADER_BYTES + 100] ^= 0x80;
      await s.rewrite(path, Buffer.concat([p.header, ...p.frames]));
      await expectAbortedAfter(3);
    });

    it('reordered chunks fail', async () => {
      const p = storedFrames(original);
      [p.frames[1], p.frames[2]] = [p.frames[2], p.frames[1]];
      await s.rewrite(path, Buffer.concat([p.header, ...p.frames]));
      await expectAbortedAfter(1);
    });

    it('a truncated object (final chunk dropped) fails', async () => {
      const p = storedFrames(original);
      await s.rewrite(path, Buffer.concat([p.header, ...p.frames.slice(0, -1)]));
      await expectAbortedAfter(5);
    });

    it('an object swapped in from another path fails (identity is bound)', async () => {
      await s.rewrite(path, await s.stored(`${ROOT}/tamper/other.bin`));
      expect((await s.download(path)).status).toBe(409);
    });

    it('a small tampered file answers DATA_LOSS, never its bytes', async () => {
      const small = `${ROOT}/tamper/small.txt`;
      await s.put(small, Buffer.from('small secret'));
      const p = storedFrames(await s.stored(small));
      await s.rewrite(small, Buffer.concat([p.header, p.frames[0].subarray(0, p.frames[0].length - 1)]));
      const r = await s.download(small);
      expect(r.status).toBe(409);
      expect(r.body.includes(Buffer.from('small secret'))).toBe(false);
    });
  });

  describe('master key rotation', () => {
    const paths = [`1/${OTHER_RUN}/artifacts/rot/a.bin`, `1/${OTHER_RUN}/artifacts/rot/b.txt`];
    const bodies = [randomBytes(3 * C + 17), Buffer.from('rotate me')];

    it('re-wraps every data key under the new key; the ciphertext bytes never change', async () => {
      for (let i = 0; i < paths.length; i++) expect((await s.put(paths[i], bodies[i])).status).toBe(200);
      const before = await Promise.all(paths.map((p) => s.record(p)));
      const bytesBefore = await Promise.all(paths.map((p) => s.stored(p)));

      // Without the key the records are under, the command refuses and changes nothing.
      const lost = await ArtifactTestApp.start(s.db, s.bucket, { masterKeys: `k2:${K2}`, activeKeyId: 'k2' });
      await expect(lost.get(RotateArtifactKeysCommand).run()).rejects.toThrow(/under key k1, which is not in ARTIFACT_MASTER_KEYS/);
      await lost.close();

      const rotating = await ArtifactTestApp.start(s.db, s.bucket, { masterKeys: `k1:${K1},k2:${K2}`, activeKeyId: 'k2' });
      await rotating.get(RotateArtifactKeysCommand).run();
      await rotating.close();

      const after = await Promise.all(paths.map((p) => s.record(p)));
      const [{ n, total }] = (await s.db.dataSource.query(`SELECT count(*) FILTER (WHERE key_id <> 'k2')::int AS n, count(*)::int AS total FROM artifacts`)) as { n: number; total: number }[];
      expect(n).toBe(0);
      // The re-wrap reached the event stream (and so audit), with counts and key ids only.
      const events = (await s.db.dataSource.query(`SELECT data, metadata FROM events WHERE type = 'tracking.ArtifactKeysRewrapped' ORDER BY global_position`)) as {
        data: { toKeyId: string; from: { keyId: string; count: number }[]; count: number };
        metadata: { actor: { type: string; id: string } };
      }[];
      expect(events.map((e) => e.data.toKeyId)).toEqual(events.map(() => 'k2'));
      expect(events.reduce((sum, e) => sum + e.data.count, 0)).toBe(total);
      expect(events[0].data.from).toEqual([{ keyId: 'k1', count: events[0].data.count }]);
      expect(events[0].metadata.actor).toEqual({ type: 'system', id: 'rotate-artifact-keys' });
      expect(JSON.stringify(events)).not.toContain(K2);
      for (let i = 0; i < paths.length; i++) {
        expect(after[i].key_id).toBe('k2');
        expect(after[i].object_key).toBe(before[i].object_key);
        expect(Buffer.from(after[i].wrapped_key).equals(Buffer.from(before[i].wrapped_key))).toBe(false);
        expect(sha256(await s.stored(paths[i]))).toBe(sha256(bytesBefore[i]));
      }

      // With only the new key configured, everything still decrypts.
      const rotated = await ArtifactTestApp.start(s.db, s.bucket, { masterKeys: `k2:${K2}`, activeKeyId: 'k2' });
      try {
        for (let i = 0; i < paths.length; i++) {
          const r = await rotated.request(alice, 'GET', `${API}/${paths[i]}`);
          expect(r.status).toBe(200);
          expect(r.body.equals(bodies[i])).toBe(true);
        }
      } finally {
        await rotated.close();
      }
    });
  });
});
