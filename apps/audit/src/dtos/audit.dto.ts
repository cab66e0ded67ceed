import { ApiProperty } from '@nestjs/swagger';

export class AuditEntry {
  @ApiProperty({ type: Number })
  sequence!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ type: String, description: 'hex hash-chain value of this entry' })
  hash!: string;

  @ApiProperty({ type: String })
  prevHash!: string;
}

export class AuditEventsResponse {
  @ApiProperty({ type: () => AuditEntry, isArray: true, description: 'each entry also carries the event’s own fields (type, source, actor, data, ...)' })
  entries!: AuditEntry[];

  @ApiProperty({ type: Number, nullable: true })
  next_after!: number | null;
}

export class VerificationResponse {
  @ApiProperty({ type: Boolean, description: 'nothing altered and nothing missing' })
  ok!: boolean;
}

export class PublicKeyResponse {
  @ApiProperty({ type: String, enum: ['Ed25519'] })
  algorithm!: string;

  @ApiProperty({ type: String })
  keyId!: string;

  @ApiProperty({ type: String })
  publicKey!: string;

  @ApiProperty({ type: String })
  encoding!: string;
}

export class SignedCheckpoint {
  @ApiProperty({ type: String })
  format!: string;

  @ApiProperty({ type: String })
  origin!: string;

  @ApiProperty({ type: Number })
  size!: number;

  @ApiProperty({ type: String, description: 'base64 RFC 6962 tree head' })
  root!: string;

  @ApiProperty({ type: String, description: 'hex hash-chain head at entry `size`' })
  chainHead!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  timestamp!: string;

  @ApiProperty({ type: String })
  keyId!: string;

  @ApiProperty({ type: String, description: 'base64 Ed25519 signature' })
  signature!: string;
}

export class CheckpointObject {
  @ApiProperty({ type: String })
  bucket!: string;

  @ApiProperty({ type: String })
  key!: string;

  @ApiProperty({ type: String, nullable: true })
  versionId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  retainUntil!: string | null;
}

export class CheckpointResponse {
  @ApiProperty({ type: () => SignedCheckpoint })
  checkpoint!: SignedCheckpoint;

  @ApiProperty({ type: String })
  keyId!: string;

  @ApiProperty({ type: String })
  currentKeyId!: string;

  @ApiProperty({ type: () => CheckpointObject })
  object!: CheckpointObject;

  @ApiProperty({ type: String, format: 'date-time' })
  recordedAt!: string;
}

export class InclusionProofResponse {
  @ApiProperty({ type: Number })
  sequence!: number;

  @ApiProperty({ type: Number })
  leafIndex!: number;

  @ApiProperty({ type: Number })
  treeSize!: number;

  @ApiProperty({ type: String })
  leafHash!: string;

  @ApiProperty({ type: String, isArray: true })
  path!: string[];

  @ApiProperty({ type: String })
  root!: string;

  @ApiProperty({ type: String, description: 'the entry’s canonical JSON text, byte for byte' })
  entry!: string;

  @ApiProperty({ type: () => SignedCheckpoint, nullable: true })
  checkpoint!: SignedCheckpoint | null;
}

export class ConsistencyProofResponse {
  @ApiProperty({ type: Number })
  from!: number;

  @ApiProperty({ type: Number })
  to!: number;

  @ApiProperty({ type: String, isArray: true })
  path!: string[];

  @ApiProperty({ type: String })
  root1!: string;

  @ApiProperty({ type: String })
  root2!: string;
}
