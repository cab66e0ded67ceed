import { Controller, Get, Param, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { AdminApi, ApiError, Policy } from '@custos/platform';
import { SignedCheckpoint } from '@custos/audit-domain';
import { AuditMerkleTree } from '../checkpoints/audit-merkle-tree';
import { AuditSigner } from '../checkpoints/audit-signer';
import { CheckpointResponse, ConsistencyProofResponse, InclusionProofResponse, PublicKeyResponse } from '../dtos/audit.dto';
import { CheckpointSizeParams, ConsistencyProofQuery, InclusionProofQuery } from '../dtos/checkpoint.query';

interface CheckpointRow {
  size: string;
  document: string;
  bucket: string;
  object_key: string;
  object_version_id: string | null;
  retain_until: Date | null;
  recorded_at: Date;
}

const b64 = (h: Buffer) => h.toString('base64');

/**
 * Offline verifiability (ADR 010): signed checkpoints, the key that signs them, and RFC 6962
 * inclusion and consistency proofs. Auditors and admins only, like the rest of the audit API.
 */
@Controller('api/audit')
export class CheckpointsController {
  constructor(
    private readonly ds: DataSource,
    private readonly tree: AuditMerkleTree,
    private readonly signer: AuditSigner,
  ) {}

  @Get('public-key')
  @Policy(Actions.audit())
  @AdminApi({ response: PublicKeyResponse })
  publicKey() {
    const k = this.signer.key;
    return { algorithm: 'Ed25519', keyId: k.keyId, publicKey: k.publicKeySpki, encoding: 'base64 SubjectPublicKeyInfo DER' };
  }

  @Get('checkpoints/latest')
  @Policy(Actions.audit())
  @AdminApi({ response: CheckpointResponse })
  async latest() {
    const [row] = (await this.ds.query(`SELECT * FROM audit_checkpoints ORDER BY size DESC LIMIT 1`)) as CheckpointRow[];
    if (!row) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'no checkpoint has been signed yet');
    return this.present(row);
  }

  @Get('checkpoints/:size')
  @Policy(Actions.audit())
  @AdminApi({ response: CheckpointResponse })
  async bySize(@Param() { size }: CheckpointSizeParams) {
    const [row] = (await this.ds.query(`SELECT * FROM audit_checkpoints WHERE size = $1`, [size])) as CheckpointRow[];
    if (!row) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `no checkpoint at size ${size}`);
    return this.present(row);
  }

  /** Audit path for entry `sequence` in the tree of `size` entries (default: the latest checkpoint's). */
  @Get('proof/inclusion')
  @Policy(Actions.audit())
  @AdminApi({ query: InclusionProofQuery, response: InclusionProofResponse })
  async inclusion(@Query() q: InclusionProofQuery) {
    const size = q.size ?? (await this.latestSize());
    if (q.sequence > size) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `sequence ${q.sequence} is beyond the tree size ${size}`);
    await this.requireTree(size);
    const [entry] = (await this.ds.query(`SELECT canonical FROM audit_entries WHERE sequence = $1`, [q.sequence])) as { canonical: string }[];
    const proof = await this.tree.inclusionProof(q.sequence, size);
    const checkpoint = await this.checkpointAt(size);
    return {
      sequence: q.sequence,
      leafIndex: q.sequence - 1,
      treeSize: size,
      leafHash: b64(proof.leafHash),
      path: proof.path.map(b64),
      root: b64(proof.root),
      /** The leaf: the entry's canonical JSON text, byte for byte. */
      entry: entry.canonical,
      checkpoint,
    };
  }

  /** Proof that the tree of `to` entries (default: latest checkpoint) extends the tree of `from` entries. */
  @Get('proof/consistency')
  @Policy(Actions.audit())
  @AdminApi({ query: ConsistencyProofQuery, response: ConsistencyProofResponse })
  async consistency(@Query() q: ConsistencyProofQuery) {
    const to = q.to ?? (await this.latestSize());
    if (q.from > to) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `from ${q.from} is beyond to ${to}`);
    await this.requireTree(to);
    const proof = await this.tree.consistencyProof(q.from, to);
    return { from: q.from, to, path: proof.path.map(b64), root1: b64(proof.root1), root2: b64(proof.root2) };
  }

  private async latestSize(): Promise<number> {
    const [row] = (await this.ds.query(`SELECT max(size) AS size FROM audit_checkpoints`)) as { size: string | null }[];
    if (!row?.size) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'no checkpoint has been signed yet; pass an explicit size');
    return Number(row.size);
  }

  private async requireTree(size: number): Promise<void> {
    const built = await this.tree.size();
    if (size > built) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `size ${size} is beyond the tree (${built} entries so far)`);
  }

  private async checkpointAt(size: number): Promise<SignedCheckpoint | null> {
    const [row] = (await this.ds.query(`SELECT document FROM audit_checkpoints WHERE size = $1`, [size])) as { document: string }[];
    return row ? (JSON.parse(row.document) as SignedCheckpoint) : null;
  }

  private present(row: CheckpointRow) {
    const checkpoint = JSON.parse(row.document) as SignedCheckpoint;
    return {
      checkpoint,
      keyId: checkpoint.keyId,
      currentKeyId: this.signer.key.keyId,
      object: { bucket: row.bucket, key: row.object_key, versionId: row.object_version_id, retainUntil: row.retain_until ? new Date(row.retain_until).toISOString() : null },
      recordedAt: new Date(row.recorded_at).toISOString(),
    };
  }
}
