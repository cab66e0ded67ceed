import { z } from 'zod/v4';
import { defineEvent } from '../schema-registry';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const base64 = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .refine((s) => Buffer.from(s, 'base64').length === bytes, `must be base64 of ${bytes} bytes`);

const chainCheckpointedV1 = z.object({ sequence: z.number().int().nonnegative(), headHash: hex64 });

/**
 * v2 adds the signed RFC 6962 checkpoint (ADR 010): `sequence` is the tree size, `checkpoint` the
 * signed fields and where the retention-locked copy lives. A v1 event was a chain-only checkpoint
 * and upcasts with `checkpoint: null`.
 */
const signedCheckpoint = z.object({
  format: z.literal('custos-audit-checkpoint/v1'),
  origin: z.string().regex(/^[\x21-\x7e]{1,128}$/),
  root: base64(32),
  timestamp: z.string().datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: base64(64),
  bucket: z.string().min(1).max(63),
  objectKey: z.string().min(1).max(1024),
  objectVersionId: z.string().max(1024).nullable(),
});

/** Audit records its own checkpoints as events so that they too reach every reader of the bus. */
export const ChainCheckpointed = defineEvent(
  'audit.ChainCheckpointed',
  { version: 1, schema: chainCheckpointedV1, upcast: (d) => ({ ...(d as z.infer<typeof chainCheckpointedV1>), checkpoint: null }) },
  { version: 2, schema: chainCheckpointedV1.extend({ checkpoint: signedCheckpoint.nullable() }) },
);

export const auditEvents = [ChainCheckpointed];
