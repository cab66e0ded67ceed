import { expect } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { CHECKPOINT_FORMAT, checkpointText, keyIdOf, loadSigningKey, loadVerifyingKey, parseCheckpoint, signCheckpoint, SignedCheckpoint, verifyCheckpointSignature } from './checkpoint';
import { hashLeaf, InMemoryMerkleTree } from './merkle';
import { verifyOffline } from './verify-offline';

function newKey() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return loadSigningKey(privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
}

const key = newKey();
const entries = Array.from({ length: 13 }, (_, i) => canonicalJson({ eventId: `e${i}`, type: 'tracking.RunCreated', data: { i, note: 'ünïcødé ✓' } }));
const tree = InMemoryMerkleTree.fromLeaves(entries);

function checkpointFor(size: number, k = key): SignedCheckpoint {
  return signCheckpoint({ origin: 'custos/audit', size, root: tree.root(size).toString('base64'), chainHead: 'ab'.repeat(32), timestamp: '2026-11-22T10:00:00.000Z' }, k);
}

function proofFor(sequence: number, size: number) {
  return {
    sequence,
    leafIndex: sequence - 1,
    treeSize: size,
    leafHash: hashLeaf(entries[sequence - 1]).toString('base64'),
    path: tree.inclusionProof(sequence - 1, size).map((h) => h.toString('base64')),
    root: tree.root(size).toString('base64'),
  };
}

describe('signed checkpoints', () => {
  it('signs a fixed line-based text naming format, origin, size, root, chain head, time and key', () => {
    const cp = checkpointFor(13);
    expect(cp.format).toBe(CHECKPOINT_FORMAT);
    expect(cp.keyId).toBe(keyIdOf(key.publicKey));
    expect(cp.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(checkpointText(cp)).toBe(`custos-audit-checkpoint/v1\norigin custos/audit\nsize 13\nroot ${cp.root}\nchain ${'ab'.repeat(32)}\ntimestamp 2026-11-22T10:00:00.000Z\nkey ${cp.keyId}\n`);
    expect(verifyCheckpointSignature(parseCheckpoint(JSON.parse(JSON.stringify(cp))), loadVerifyingKey(key.publicKeySpki))).toEqual({ ok: true });
  });

  it('rejects a checkpoint with any signed field changed, or verified with another key', () => {
    const cp = checkpointFor(13);
    const pub = loadVerifyingKey(key.publicKeySpki);
    const tampered: Partial<SignedCheckpoint>[] = [
      { size: 12 },
      { root: tree.root(12).toString('base64') },
      { chainHead: 'cd'.repeat(32) },
      { timestamp: '2026-11-22T10:00:00.001Z' },
      { origin: 'custos/other' },
    ];
    for (const change of tampered) expect(verifyCheckpointSignature({ ...cp, ...change }, pub).ok).toBe(false);
    const sig = Buffer.from(cp.signature, 'base64');
    sig[10] ^= 1;
    expect(verifyCheckpointSignature({ ...cp, signature: sig.toString('base64') }, pub)).toEqual({ ok: false, reason: 'signature does not verify' });
    const other = newKey();
    expect(verifyCheckpointSignature(cp, other.publicKey)).toMatchObject({ ok: false, reason: expect.stringContaining('names key') });
    // Even when the key id is forged to match the other key, the signature fails.
    expect(verifyCheckpointSignature({ ...cp, keyId: other.keyId }, other.publicKey)).toEqual({ ok: false, reason: 'signature does not verify' });
  });

  it('refuses malformed checkpoints and keys', () => {
    const cp = checkpointFor(13);
    expect(() => parseCheckpoint({ ...cp, format: 'v0' })).toThrow('format');
    expect(() => parseCheckpoint({ ...cp, size: 0 })).toThrow('size');
    expect(() => parseCheckpoint({ ...cp, size: '13' })).toThrow('size');
    expect(() => parseCheckpoint({ ...cp, root: 'AAAA' })).toThrow('root');
    expect(() => parseCheckpoint({ ...cp, origin: 'two words' })).toThrow('origin');
    expect(() => parseCheckpoint({ ...cp, origin: 'x\nsize 99' })).toThrow('origin');
    expect(() => parseCheckpoint({ ...cp, signature: 'AA==' })).toThrow('signature');
    expect(() => parseCheckpoint([cp])).toThrow('object');
    expect(() => loadSigningKey('not base64!')).toThrow();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => loadSigningKey(rsa.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'))).toThrow('Ed25519');
    expect(() => loadVerifyingKey(rsa.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'))).toThrow('Ed25519');
  });
});

describe('verifyOffline', () => {
  const cp = checkpointFor(13);
  const fixedProof = (sequence: number) => ({ ...proofFor(sequence, 13), leafHash: undefined });

  it('accepts every entry of the checkpointed tree with only the public key', () => {
    for (let seq = 1; seq <= 13; seq++) {
      const v = verifyOffline({ publicKey: key.publicKeySpki, checkpoint: JSON.parse(JSON.stringify(cp)), entry: entries[seq - 1], proof: fixedProof(seq) });
      expect(v).toMatchObject({ ok: true, sequence: seq, treeSize: 13, keyId: key.keyId, root: cp.root });
    }
  });

  it('rejects a modified entry, a proof for another position, another tree or another key', () => {
    const entry = entries[4];
    const ok = { publicKey: key.publicKeySpki, checkpoint: cp, entry, proof: fixedProof(5) };
    expect(verifyOffline(ok).ok).toBe(true);
    expect(verifyOffline({ ...ok, entry: entry.replace('"i":4', '"i":5') })).toMatchObject({ ok: false, step: 'inclusion' });
    expect(verifyOffline({ ...ok, entry: entries[5] })).toMatchObject({ ok: false, step: 'inclusion' });
    expect(verifyOffline({ ...ok, entry: `${entry} ` })).toMatchObject({ ok: false, step: 'entry' });
    expect(verifyOffline({ ...ok, entry: JSON.stringify(JSON.parse(entry), null, 2) })).toMatchObject({ ok: false, step: 'entry' });
    expect(verifyOffline({ ...ok, proof: { ...fixedProof(5), sequence: 6, leafIndex: 5 } })).toMatchObject({ ok: false, step: 'inclusion' });
    expect(verifyOffline({ ...ok, proof: { ...fixedProof(5), leafIndex: 7 } })).toMatchObject({ ok: false, step: 'proof' });
    expect(verifyOffline({ ...ok, proof: proofFor(5, 12) })).toMatchObject({ ok: false, step: 'proof' });
    expect(verifyOffline({ ...ok, proof: { ...fixedProof(5), path: fixedProof(5).path.slice(1) } })).toMatchObject({ ok: false, step: 'inclusion' });
    expect(verifyOffline({ ...ok, proof: { ...fixedProof(5), path: ['AAAA'] } })).toMatchObject({ ok: false, step: 'proof' });
    expect(verifyOffline({ ...ok, proof: { ...fixedProof(5), leafHash: fixedProof(6).root } })).toMatchObject({ ok: false, step: 'inclusion' });
    expect(verifyOffline({ ...ok, checkpoint: { ...cp, root: tree.root(12).toString('base64') } })).toMatchObject({ ok: false, step: 'signature' });
    expect(verifyOffline({ ...ok, publicKey: newKey().publicKeySpki })).toMatchObject({ ok: false, step: 'signature' });
    expect(verifyOffline({ ...ok, publicKey: 'garbage' })).toMatchObject({ ok: false, step: 'public-key' });
    expect(verifyOffline({ ...ok, checkpoint: 'nope' })).toMatchObject({ ok: false, step: 'checkpoint' });
    expect(verifyOffline({ ...ok, proof: null })).toMatchObject({ ok: false, step: 'proof' });
  });

  it('a checkpoint re-signed by an attacker over a forged tree fails with the genuine public key', () => {
    const forgedEntries = [...entries];
    forgedEntries[2] = canonicalJson({ eventId: 'e2', type: 'tracking.RunCreated', data: { i: 2, note: 'rewritten' } });
    const forged = InMemoryMerkleTree.fromLeaves(forgedEntries);
    const attacker = newKey();
    const forgedCp = signCheckpoint({ origin: 'custos/audit', size: 13, root: forged.root().toString('base64'), chainHead: 'ab'.repeat(32), timestamp: '2026-11-22T10:00:00.000Z' }, attacker);
    const proof = { sequence: 3, treeSize: 13, path: forged.inclusionProof(2).map((h) => h.toString('base64')) };
    expect(verifyOffline({ publicKey: attacker.publicKeySpki, checkpoint: forgedCp, entry: forgedEntries[2], proof }).ok).toBe(true);
    expect(verifyOffline({ publicKey: key.publicKeySpki, checkpoint: forgedCp, entry: forgedEntries[2], proof })).toMatchObject({ ok: false, step: 'signature' });
    expect(verifyOffline({ publicKey: key.publicKeySpki, checkpoint: cp, entry: forgedEntries[2], proof })).toMatchObject({ ok: false, step: 'inclusion' });
  });
});
