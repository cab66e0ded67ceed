import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  consistencyPlan,
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  inclusionPlan,
  InMemoryMerkleTree,
  merkleRoot,
  merkleRootAsync,
  MerkleFrontier,
  NodeId,
  nodeKey,
  rootPlan,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// RFC 6962 test vectors from transparency-dev/merkle, shared read-only with the project (not copied).
// RFC 6962 vectors from transparency-dev/merkle (Apache-2.0, see testdata/merkle/LICENSE), vendored so a clean clone has them.
const VECTORS = resolve(__dirname, '../testdata/merkle');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? jsonFiles(p) : name.endsWith('.json') ? [p] : [];
    })
    .sort();
}

const b64 = (s: string) => Buffer.from(s, 'base64');
const hashes = (list: string[] | null) => (list ?? []).map(b64);

/** The reference tree of the vectors: the RFC 6962 test leaves. */
const REFERENCE_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const reference = InMemoryMerkleTree.fromLeaves(REFERENCE_LEAVES);

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const inclusionFiles = existsSync(VECTORS) ? jsonFiles(join(VECTORS, 'inclusion')) : [];
const consistencyFiles = existsSync(VECTORS) ? jsonFiles(join(VECTORS, 'consistency')) : [];

describe('RFC 6962 test vectors', () => {
  it('finds the vector files', () => {
    expect(existsSync(VECTORS)).toBe(true);
    expect(inclusionFiles.length).toBeGreaterThanOrEqual(90);
    expect(consistencyFiles.length).toBeGreaterThanOrEqual(90);
  });

  describe.each(inclusionFiles.map((f) => [relative(VECTORS, f), f]))('%s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as InclusionCase;
    it(c.wantErr ? `rejects: ${c.desc}` : `verifies: ${c.desc}`, () => {
      const v = verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), hashes(c.proof), b64(c.root));
      expect(v.ok).toBe(!c.wantErr);
      if (!c.wantErr && c.treeSize <= reference.size && reference.root(c.treeSize).equals(b64(c.root))) {
        // Our generator produces exactly the vector's proof on the reference tree.
        expect(reference.inclusionProof(c.leafIdx, c.treeSize).map((h) => h.toString('base64'))).toEqual(c.proof ?? []);
      }
    });
  });

  describe.each(consistencyFiles.map((f) => [relative(VECTORS, f), f]))('%s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyCase;
    it(c.wantErr ? `rejects: ${c.desc}` : `verifies: ${c.desc}`, () => {
      const v = verifyConsistency(c.size1, c.size2, hashes(c.proof), b64(c.root1), b64(c.root2));
      expect(v.ok).toBe(!c.wantErr);
      if (!c.wantErr && c.size2 <= reference.size && c.size1 >= 1 && reference.root(c.size2).equals(b64(c.root2))) {
        expect(reference.consistencyProof(c.size1, c.size2).map((h) => h.toString('base64'))).toEqual(c.proof ?? []);
      }
    });
  });

  it('the happy-path cases all use the reference tree (so generation is checked against them)', () => {
    const happy = [...inclusionFiles, ...consistencyFiles].filter((f) => f.endsWith('happy-path.json'));
    expect(happy.length).toBeGreaterThanOrEqual(10);
    for (const f of happy) {
      const c = JSON.parse(readFileSync(f, 'utf8')) as Partial<InclusionCase & ConsistencyCase>;
      const size = c.treeSize ?? c.size2!;
      expect(reference.root(size).toString('base64')).toBe(c.root ?? c.root2);
    }
  });
});

/** MTH by the RFC's recursive definition, straight from the leaves. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return hashLeaf(leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const leavesOf = (n: number, seed = 'x') => Array.from({ length: n }, (_, i) => Buffer.from(`${seed}-${i}`));

describe('tree head', () => {
  it('is SHA-256("") for the empty tree and the leaf hash for one leaf', () => {
    expect(merkleRoot([]).equals(EMPTY_ROOT)).toBe(true);
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(merkleRoot(['a']).equals(hashLeaf('a'))).toBe(true);
  });

  it('matches the recursive definition for every size up to 130', () => {
    for (let n = 0; n <= 130; n++) {
      const leaves = leavesOf(n);
      const expected = mth(leaves);
      expect(merkleRoot(leaves).equals(expected)).toBe(true);
      const tree = InMemoryMerkleTree.fromLeaves(leaves);
      expect(tree.root().equals(expected)).toBe(true);
    }
  });

  it('streams: a frontier resumed from stored nodes continues to the same root, reporting each completed node once', async () => {
    const leaves = leavesOf(1000).map(hashLeaf);
    const full = new InMemoryMerkleTree(leaves);
    const reported = new Map<string, Buffer>();
    let f = new MerkleFrontier();
    for (let i = 0; i < leaves.length; i++) {
      f.append(leaves[i], (id, h) => {
        expect(reported.has(nodeKey(id))).toBe(false);
        reported.set(nodeKey(id), h);
      });
      if (i % 97 === 0) f = MerkleFrontier.resume(f.size, f.nodes());
    }
    expect(f.root().equals(full.root())).toBe(true);
    // Every perfect subtree of height >= 1 was reported with the right hash: 1000 leaves -> 994 inner nodes.
    expect(reported.size).toBe(994);
    for (const [key, h] of reported) {
      const [level, index] = key.split('/').map(Number);
      expect(h.equals(full.node({ level, index }))).toBe(true);
    }
    async function* gen() {
      for (const l of leaves) yield l;
    }
    expect((await merkleRootAsync(gen())).equals(full.root())).toBe(true);
  });

  it('plans large trees with a logarithmic number of nodes, beyond 32-bit sizes', () => {
    const n = 2 ** 40 + 12345;
    expect(rootPlan(n).length).toBeLessThanOrEqual(41);
    const p = inclusionPlan(n - 7, n);
    expect(p.length).toBeLessThanOrEqual(41);
    expect(consistencyPlan(2 ** 33 + 1, n).length).toBeLessThanOrEqual(82);
    const anyNode = (plan: NodeId[][]) => plan.flat().every((id) => id.index * 2 ** id.level < n);
    expect(anyNode(p)).toBe(true);
  });
});

describe('proofs: generate then verify', () => {
  const sizes = [...Array.from({ length: 48 }, (_, i) => i + 1), 127, 128, 129, 255, 256, 257, 1000, 1023, 1025];
  const tree = InMemoryMerkleTree.fromLeaves(leavesOf(1025, 'p'));
  const leafHashes = leavesOf(1025, 'p').map(hashLeaf);

  it('verifies every inclusion proof for sizes 1..48 and around powers of two, and rejects each neighbour', () => {
    let checked = 0;
    for (const size of sizes) {
      const root = tree.root(size);
      const indexes = size <= 48 ? Array.from({ length: size }, (_, i) => i) : [0, 1, size >> 1, size - 2, size - 1];
      for (const i of indexes) {
        const proof = tree.inclusionProof(i, size);
        expect(verifyInclusion(i, size, leafHashes[i], proof, root)).toEqual({ ok: true });
        checked++;
        // Wrong leaf, wrong index, another size's root, altered, truncated or extended proof. (The size
        // itself is bound by the signed checkpoint: a path can fit two sizes of the same shape.)
        const j = (i + 1) % size;
        if (j !== i) expect(verifyInclusion(i, size, leafHashes[j], proof, root).ok).toBe(false);
        if (size > 1) expect(verifyInclusion(j, size, leafHashes[i], proof, root).ok).toBe(false);
        if (size < tree.size) expect(verifyInclusion(i, size, leafHashes[i], proof, tree.root(size + 1)).ok).toBe(false);
        if (proof.length) {
          const flipped = proof.map((h, k) => (k === proof.length - 1 ? Buffer.from(h.map((b, x) => (x === 0 ? b ^ 1 : b))) : h));
          expect(verifyInclusion(i, size, leafHashes[i], flipped, root).ok).toBe(false);
          expect(verifyInclusion(i, size, leafHashes[i], proof.slice(0, -1), root).ok).toBe(false);
        }
        expect(verifyInclusion(i, size, leafHashes[i], [...proof, root], root).ok).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(1200);
  });

  it('verifies every consistency proof between sizes 1..48 (and larger pairs), rejecting swapped or altered ones', () => {
    let checked = 0;
    const pairs: [number, number][] = [];
    for (let a = 1; a <= 48; a++) for (let b = a; b <= 48; b++) pairs.push([a, b]);
    for (const [a, b] of [
      [1, 1025],
      [512, 1025],
      [513, 1024],
      [1000, 1025],
      [127, 257],
      [255, 256],
    ] as [number, number][])
      pairs.push([a, b]);
    for (const [a, b] of pairs) {
      const proof = tree.consistencyProof(a, b);
      const r1 = tree.root(a);
      const r2 = tree.root(b);
      expect(verifyConsistency(a, b, proof, r1, r2)).toEqual({ ok: true });
      checked++;
      if (a < b) {
        expect(verifyConsistency(a, b, proof, r2, r1).ok).toBe(false);
        expect(verifyConsistency(a, b, proof, tree.root(a + 1 <= b ? a + 1 : a), r2).ok).toBe(a + 1 > b);
        if (b < tree.size) expect(verifyConsistency(a, b + 1, proof, r1, tree.root(b + 1)).ok).toBe(false);
        expect(verifyConsistency(a, b, proof.slice(1), r1, r2).ok).toBe(false);
        expect(verifyConsistency(a, b, [...proof, r2], r1, r2).ok).toBe(false);
        const flipped = proof.map((h, k) => (k === 0 ? Buffer.from(h.map((x, i) => (i === 31 ? x ^ 0x80 : x))) : h));
        expect(verifyConsistency(a, b, flipped, r1, r2).ok).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(1150);
  });

  it('proof nodes only cover leaves inside the tree', () => {
    for (let size = 1; size <= 40; size++) {
      for (let i = 0; i < size; i++) for (const id of inclusionPlan(i, size).flat()) expect((id.index + 1) * 2 ** id.level).toBeLessThanOrEqual(size);
      for (let m = 1; m <= size; m++) for (const id of consistencyPlan(m, size).flat()) expect((id.index + 1) * 2 ** id.level).toBeLessThanOrEqual(size);
    }
  });

  it('rejects random proofs for random trees', () => {
    for (let n = 0; n < 200; n++) {
      const size = 1 + (randomBytes(2).readUInt16BE() % 1025);
      const i = randomBytes(2).readUInt16BE() % size;
      const fake = tree.inclusionProof(i, size).map(() => randomBytes(32));
      expect(verifyInclusion(i, size, leafHashes[i], fake, tree.root(size)).ok).toBe(fake.length === 0);
    }
  });

  it('refuses generation outside the tree', () => {
    expect(() => inclusionPlan(5, 5)).toThrow();
    expect(() => inclusionPlan(-1, 5)).toThrow();
    expect(() => consistencyPlan(0, 5)).toThrow();
    expect(() => consistencyPlan(6, 5)).toThrow();
    expect(() => rootPlan(0)).toThrow();
  });
});
