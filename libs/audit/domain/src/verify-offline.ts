import { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { CheckpointError, decodeBase64Strict, loadVerifyingKey, parseCheckpoint, SignedCheckpoint, verifyCheckpointSignature } from './checkpoint';
import { HASH_SIZE, hashLeaf, verifyInclusion } from './merkle';

/**
 * An inclusion proof as `GET /api/audit/proof/inclusion` answers it. Only `sequence`, `treeSize`
 * and `path` are needed; `leafHash` and `root`, when present, must agree with what is recomputed.
 */
export interface InclusionProofDocument {
  sequence: number;
  treeSize: number;
  /** base64 hashes, bottom-up (RFC 6962 audit path). */
  path: string[];
  leafIndex?: number;
  leafHash?: string;
  root?: string;
}

export interface OfflineInput {
  /** base64 SPKI DER of the audit service's Ed25519 key (or the key itself). */
  publicKey: string | KeyObject;
  /** The signed checkpoint, as stored in object storage or served by the API. */
  checkpoint: unknown;
  /** The entry's canonical JSON text, byte for byte as the audit log stores it. */
  entry: string;
  proof: unknown;
}

export type OfflineStep = 'public-key' | 'checkpoint' | 'signature' | 'entry' | 'proof' | 'inclusion';

export type OfflineVerdict =
  { ok: true; sequence: number; treeSize: number; root: string; keyId: string; origin: string; timestamp: string; leafHash: string } | { ok: false; step: OfflineStep; reason: string };

const refuse = (step: OfflineStep, reason: string): OfflineVerdict => ({ ok: false, step, reason });

function parseProof(raw: unknown): InclusionProofDocument | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'proof must be a JSON object';
  const p = raw as Record<string, unknown>;
  if (typeof p.sequence !== 'number' || !Number.isSafeInteger(p.sequence) || p.sequence < 1) return 'proof.sequence must be a positive integer';
  if (typeof p.treeSize !== 'number' || !Number.isSafeInteger(p.treeSize) || p.treeSize < 1) return 'proof.treeSize must be a positive integer';
  if (!Array.isArray(p.path) || p.path.some((h) => typeof h !== 'string')) return 'proof.path must be a list of base64 hashes';
  if (p.leafIndex !== undefined && p.leafIndex !== p.sequence - 1) return 'proof.leafIndex must be sequence - 1';
  if (p.leafHash !== undefined && typeof p.leafHash !== 'string') return 'proof.leafHash must be base64';
  if (p.root !== undefined && typeof p.root !== 'string') return 'proof.root must be base64';
  return p as unknown as InclusionProofDocument;
}

/**
 * Everything needed to trust one audit entry without the service: the checkpoint is signed by the
 * key the caller already trusts, the entry's text hashes to the leaf, and the audit path leads from
 * that leaf at position `sequence` to the signed root.
 */
export function verifyOffline(input: OfflineInput): OfflineVerdict {
  let key: KeyObject;
  try {
    key = typeof input.publicKey === 'string' ? loadVerifyingKey(input.publicKey) : input.publicKey;
  } catch (e) {
    return refuse('public-key', (e as Error).message);
  }

  let cp: SignedCheckpoint;
  try {
    cp = parseCheckpoint(input.checkpoint);
  } catch (e) {
    return refuse('checkpoint', e instanceof CheckpointError ? e.message : 'checkpoint is malformed');
  }
  const sig = verifyCheckpointSignature(cp, key);
  if (!sig.ok) return refuse('signature', sig.reason);

  if (typeof input.entry !== 'string') return refuse('entry', 'entry must be text');
  let reparsed: string;
  try {
    reparsed = canonicalJson(JSON.parse(input.entry));
  } catch {
    return refuse('entry', 'entry is not JSON');
  }
  if (reparsed !== input.entry) return refuse('entry', 'entry is not in canonical form (sorted keys, no whitespace): the leaf is its exact canonical text');

  const proof = parseProof(input.proof);
  if (typeof proof === 'string') return refuse('proof', proof);
  if (proof.treeSize !== cp.size) return refuse('proof', `proof is for a tree of ${proof.treeSize} entries, the checkpoint covers ${cp.size}`);
  if (proof.sequence > cp.size) return refuse('proof', `entry ${proof.sequence} is beyond the checkpoint's ${cp.size} entries`);
  if (proof.root !== undefined && proof.root !== cp.root) return refuse('proof', 'proof.root differs from the checkpoint root');
  const path: Buffer[] = [];
  for (const h of proof.path) {
    const b = decodeBase64Strict(h, HASH_SIZE);
    if (!b) return refuse('proof', 'every path element must be base64 of 32 bytes');
    path.push(b);
  }

  const leaf = hashLeaf(input.entry);
  if (proof.leafHash !== undefined && proof.leafHash !== leaf.toString('base64')) return refuse('inclusion', 'the entry does not hash to proof.leafHash');
  const verdict = verifyInclusion(proof.sequence - 1, cp.size, leaf, path, Buffer.from(cp.root, 'base64'));
  if (!verdict.ok) return refuse('inclusion', verdict.reason);
  return { ok: true, sequence: proof.sequence, treeSize: cp.size, root: cp.root, keyId: cp.keyId, origin: cp.origin, timestamp: cp.timestamp, leafHash: leaf.toString('base64') };
}
