import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson, InMemoryMerkleTree, loadSigningKey, signCheckpoint } from '@custos/audit-domain';
import { runVerifyCli } from './verify-cli';

const key = loadSigningKey(generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
const entries = Array.from({ length: 6 }, (_, i) => canonicalJson({ eventId: `e${i}`, data: { i } }));
const tree = InMemoryMerkleTree.fromLeaves(entries);
const checkpoint = signCheckpoint({ origin: 'custos/audit', size: 6, root: tree.root().toString('base64'), chainHead: '0'.repeat(64), timestamp: '2026-11-22T00:00:00.000Z' }, key);
const proof = { sequence: 4, treeSize: 6, path: tree.inclusionProof(3).map((h) => h.toString('base64')) };

function run(files: Record<string, string>, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runVerifyCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT ${p}`);
      return files[p];
    },
  });
  return { code, out, err };
}

const files = { 'cp.json': JSON.stringify(checkpoint), 'entry.json': `${entries[3]}\n`, 'proof.json': JSON.stringify(proof), 'key.txt': `${key.publicKeySpki}\n` };
const argv = ['--public-key', key.publicKeySpki, '--checkpoint', 'cp.json', '--entry', 'entry.json', '--proof', 'proof.json'];

describe('verify-cli', () => {
  it('exits 0 and prints the verdict for a genuine entry (key inline or from a file)', () => {
    const r = run(files, argv);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({ ok: true, sequence: 4, treeSize: 6, keyId: key.keyId });
    expect(run(files, ['--public-key', '@key.txt', ...argv.slice(2)]).code).toBe(0);
  });

  it('exits 1 for a modified entry, naming the failed step', () => {
    const r = run({ ...files, 'entry.json': entries[3].replace('"i":3', '"i":33') }, argv);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out[0])).toMatchObject({ ok: false, step: 'inclusion' });
  });

  it('exits 2 on usage errors or unreadable input', () => {
    expect(run(files, argv.slice(0, 6)).code).toBe(2);
    expect(run(files, ['--bogus', 'x']).code).toBe(2);
    expect(run({ ...files, 'proof.json': '{not json' }, argv).code).toBe(2);
    expect(run({}, argv).code).toBe(2);
  });
});
