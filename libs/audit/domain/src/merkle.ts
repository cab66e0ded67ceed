import { createHash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle tree over SHA-256: the leaf hash is SHA-256(0x00 ‖ leaf), an inner
 * node SHA-256(0x01 ‖ left ‖ right), and a tree of n leaves splits at the largest power of two
 * below n. Pure code (node:crypto only): proofs are planned as lists of *perfect subtrees*
 * (`NodeId`), which a caller resolves from wherever it keeps them (memory, PostgreSQL), so neither
 * the root nor a proof ever needs all leaves in memory.
 *
 * Sizes and indexes are JavaScript numbers, checked to be safe integers; arithmetic avoids the
 * 32-bit bitwise operators so trees beyond 2^32 leaves stay correct.
 */

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

export function hashLeaf(leaf: Uint8Array | string): Buffer {
  return createHash('sha256')
    .update(LEAF_PREFIX)
    .update(typeof leaf === 'string' ? Buffer.from(leaf, 'utf8') : leaf)
    .digest();
}

const scratch = Buffer.alloc(1 + 2 * HASH_SIZE);

export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  // One update over a reused buffer: the tree builder hashes about one inner node per leaf.
  scratch[0] = 0x01;
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return createHash('sha256').update(scratch).digest();
}

/** A perfect subtree: `level` k, `index` i covers leaves [i·2^k, (i+1)·2^k). Level 0 is a leaf. */
export interface NodeId {
  level: number;
  index: number;
}

/** Each proof element is the hash of these perfect subtrees folded from the right (one node, mostly). */
export type ProofPlan = NodeId[][];

export type NodeLookup = (id: NodeId) => Uint8Array;

export class MerkleError extends Error {}

function checkSize(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new MerkleError(`${name} must be an integer >= ${min}, got ${v}`);
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** The largest power of two strictly below n (n >= 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function log2(pow: number): number {
  let l = 0;
  while (pow > 1) {
    pow /= 2;
    l++;
  }
  return l;
}

/**
 * The perfect subtrees, left to right, whose right fold is MTH(D[begin:end]) for a range that the
 * RFC 6962 recursion produces (its left part is always aligned to its own size).
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  checkSize('begin', begin, 0);
  checkSize('end', end, begin + 1);
  const out: NodeId[] = [];
  let a = begin;
  while (a < end) {
    const n = end - a;
    const k = isPowerOfTwo(n) ? n : splitPoint(n);
    if (a % k !== 0) throw new MerkleError(`range [${begin}, ${end}) is not aligned at ${a} for ${k} leaves`);
    out.push({ level: log2(k), index: a / k });
    a += k;
  }
  return out;
}

/** The perfect subtrees whose right fold is the tree head of `size` leaves (size >= 1). */
export function rootPlan(size: number): NodeId[] {
  checkSize('size', size, 1);
  return rangeNodes(0, size);
}

/** RFC 6962 §2.1.1 PATH(m, D[n]), bottom-up, as perfect subtrees. */
export function inclusionPlan(index: number, size: number): ProofPlan {
  checkSize('size', size, 1);
  checkSize('index', index, 0);
  if (index >= size) throw new MerkleError(`index ${index} is beyond the tree size ${size}`);
  const out: ProofPlan = [];
  let a = 0;
  let b = size;
  const stack: NodeId[][] = [];
  while (b - a > 1) {
    const k = splitPoint(b - a);
    if (index < a + k) {
      stack.push(rangeNodes(a + k, b));
      b = a + k;
    } else {
      stack.push(rangeNodes(a, a + k));
      a = a + k;
    }
  }
  // The recursion appends each sibling after the deeper path: the top-most sibling comes last.
  while (stack.length) out.push(stack.pop()!);
  return out;
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]) for 0 < m <= n (empty when m == n), as perfect subtrees. */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  checkSize('size1', size1, 1);
  checkSize('size2', size2, size1);
  const stack: NodeId[][] = [];
  let a = 0;
  let b = size2;
  let complete = true;
  for (;;) {
    if (size1 === b) {
      if (!complete) stack.push(rangeNodes(a, b));
      break;
    }
    const k = splitPoint(b - a);
    if (size1 <= a + k) {
      stack.push(rangeNodes(a + k, b));
      b = a + k;
    } else {
      stack.push(rangeNodes(a, a + k));
      a = a + k;
      complete = false;
    }
  }
  return stack.reverse();
}

/** Right fold of perfect subtree hashes: H(n0, H(n1, … H(n_{k-2}, n_{k-1}))). */
export function foldRight(hashes: Uint8Array[]): Buffer {
  if (hashes.length === 0) throw new MerkleError('nothing to fold');
  let h: Buffer = Buffer.from(hashes[hashes.length - 1]);
  for (let i = hashes.length - 2; i >= 0; i--) h = hashChildren(hashes[i], h);
  return h;
}

export function resolvePlan(plan: ProofPlan, lookup: NodeLookup): Buffer[] {
  return plan.map((element) => foldRight(element.map(lookup)));
}

export function nodeKey(id: NodeId): string {
  return `${id.level}/${id.index}`;
}

/** Every distinct node a set of plans needs, for one batched fetch. */
export function planNodes(...plans: (ProofPlan | NodeId[])[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const plan of plans) for (const el of plan) for (const id of Array.isArray(el) ? el : [el]) seen.set(nodeKey(id), id);
  return [...seen.values()];
}

/**
 * The right edge of a growing tree (a "compact range" from 0): at most one perfect subtree per
 * level, so appending n leaves needs O(log n) memory. `append` reports every perfect subtree it
 * completes, which is how a store learns the inner nodes to keep.
 */
export class MerkleFrontier {
  private readonly stack: { level: number; hash: Buffer }[] = [];
  private count = 0;

  /** Resumes at `size` from the hashes of `rootPlan(size)` in order (none for size 0). */
  static resume(size: number, hashes: Uint8Array[]): MerkleFrontier {
    checkSize('size', size, 0);
    const f = new MerkleFrontier();
    const plan = size === 0 ? [] : rootPlan(size);
    if (plan.length !== hashes.length) throw new MerkleError(`a frontier of ${size} leaves has ${plan.length} nodes, got ${hashes.length}`);
    plan.forEach((id, i) => {
      if (hashes[i].length !== HASH_SIZE) throw new MerkleError('frontier hash of the wrong size');
      f.stack.push({ level: id.level, hash: Buffer.from(hashes[i]) });
    });
    f.count = size;
    return f;
  }

  get size(): number {
    return this.count;
  }

  append(leafHash: Uint8Array, onNode?: (id: NodeId, hash: Buffer) => void): void {
    if (leafHash.length !== HASH_SIZE) throw new MerkleError('leaf hash of the wrong size');
    this.stack.push({ level: 0, hash: Buffer.from(leafHash) });
    this.count++;
    while (this.stack.length >= 2 && this.stack[this.stack.length - 1].level === this.stack[this.stack.length - 2].level) {
      const right = this.stack.pop()!;
      const left = this.stack.pop()!;
      const level = left.level + 1;
      const hash = hashChildren(left.hash, right.hash);
      this.stack.push({ level, hash });
      onNode?.({ level, index: this.count / 2 ** level - 1 }, hash);
    }
  }

  /** Perfect subtrees of the current edge, left to right (the hashes of `rootPlan(size)`). */
  nodes(): Buffer[] {
    return this.stack.map((n) => n.hash);
  }

  root(): Buffer {
    return this.count === 0 ? Buffer.from(EMPTY_ROOT) : foldRight(this.nodes());
  }
}

/** MTH over leaves read one at a time (O(log n) memory). */
export function merkleRoot(leaves: Iterable<Uint8Array | string>): Buffer {
  const f = new MerkleFrontier();
  for (const leaf of leaves) f.append(hashLeaf(leaf));
  return f.root();
}

export async function merkleRootAsync(leafHashes: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const f = new MerkleFrontier();
  for await (const h of leafHashes) f.append(h);
  return f.root();
}

/**
 * All perfect-subtree hashes of a tree held in memory, level by level. For tests and small trees;
 * services resolve plans from stored nodes instead.
 */
export class InMemoryMerkleTree {
  private readonly levels: Buffer[][] = [[]];

  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const h of leafHashes) this.append(h);
  }

  static fromLeaves(leaves: Iterable<Uint8Array | string>): InMemoryMerkleTree {
    const t = new InMemoryMerkleTree();
    for (const l of leaves) t.append(hashLeaf(l));
    return t;
  }

  get size(): number {
    return this.levels[0].length;
  }

  append(leafHash: Uint8Array): void {
    this.levels[0].push(Buffer.from(leafHash));
    for (let level = 0; this.levels[level].length % 2 === 0; level++) {
      const row = this.levels[level];
      (this.levels[level + 1] ??= []).push(hashChildren(row[row.length - 2], row[row.length - 1]));
    }
  }

  node = (id: NodeId): Buffer => {
    const h = this.levels[id.level]?.[id.index];
    if (!h) throw new MerkleError(`no node ${nodeKey(id)}`);
    return h;
  };

  root(size = this.size): Buffer {
    return size === 0 ? Buffer.from(EMPTY_ROOT) : foldRight(rootPlan(size).map(this.node));
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    return resolvePlan(inclusionPlan(index, size), this.node);
  }

  consistencyProof(size1: number, size2 = this.size): Buffer[] {
    return resolvePlan(consistencyPlan(size1, size2), this.node);
  }
}

// ------------------------------------------------------------------------------------------------
// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2). Everything a prover sends is untrusted: sizes,
// indexes, hash lengths and proof lengths are all checked, and any deviation is a rejection.

export type Verdict = { ok: true } | { ok: false; reason: string };
const fail = (reason: string): Verdict => ({ ok: false, reason });

function sizeProblem(name: string, v: unknown, min: number): string | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? undefined : `${name} must be an integer >= ${min}`;
}

function badHash(h: Uint8Array): boolean {
  return !(h instanceof Uint8Array) || h.length !== HASH_SIZE;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const lsb = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** Checks that `leafHash` is leaf `index` of the tree of `size` leaves whose head is `root`. */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): Verdict {
  const p = sizeProblem('index', index, 0) ?? sizeProblem('size', size, 1);
  if (p) return fail(p);
  if (index >= size) return fail(`index ${index} is beyond the tree size ${size}`);
  if (badHash(leafHash)) return fail('leaf hash must be 32 bytes');
  if (badHash(root)) return fail('root must be 32 bytes');
  // `as unknown`: Array.isArray would narrow the typed proof to any[] (callers may pass anything at runtime).
  if (!Array.isArray(proof as unknown) || proof.some(badHash)) return fail('every proof hash must be 32 bytes');
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return fail('proof is longer than the path');
    if (lsb(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('proof is shorter than the path');
  return equal(r, root) ? { ok: true } : fail('computed root does not match');
}

/** Checks that the tree of `size2` leaves (head `root2`) extends the one of `size1` leaves (`root1`). */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): Verdict {
  // A consistency check from the empty tree proves nothing; refuse it rather than answer "yes".
  const p = sizeProblem('size1', size1, 1) ?? sizeProblem('size2', size2, 1);
  if (p) return fail(p);
  if (size1 > size2) return fail('size1 is greater than size2');
  if (!Array.isArray(proof as unknown)) return fail('proof must be a list');
  if (size1 === size2) {
    if (proof.length > 0) return fail('equal sizes take an empty proof');
    return equal(root1, root2) ? { ok: true } : fail('equal sizes but different roots');
  }
  if (proof.length === 0) return fail('empty proof');
  if (badHash(root1) || badHash(root2)) return fail('roots must be 32 bytes');
  if (proof.some(badHash)) return fail('every proof hash must be 32 bytes');

  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) {
    if (sn === 0) return fail('proof is longer than needed');
    if (lsb(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('proof is shorter than needed');
  if (!equal(fr, root1)) return fail('proof does not lead to root1');
  if (!equal(sr, root2)) return fail('proof does not lead to root2');
  return { ok: true };
}
