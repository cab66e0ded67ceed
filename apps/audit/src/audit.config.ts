import { z } from 'zod/v4';
import { baseServiceEnv, s3Env } from '@custos/platform';
import { isValidOrigin, loadSigningKey } from '@custos/audit-domain';

export const auditEnv = baseServiceEnv.extend(s3Env.shape).extend({
  HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8084),
  /** Base64 PKCS8 DER Ed25519 private key that signs checkpoints. Secret. */
  AUDIT_SIGNING_KEY: z.string().superRefine((v, ctx) => {
    try {
      loadSigningKey(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  }),
  /**
   * While events stream in, the log's consumer waits this long after each fetch round so that the
   * events arriving meanwhile share the next fetch and transaction: a training loop's log-batches
   * cost audit about half the CPU. It bounds the extra lag; an event after a quiet spell is recorded at
   * once. 0 records every batch as soon as it is fetched. See docs/decisions/024.
   */
  AUDIT_CONSUMER_LINGER_MS: z.coerce.number().int().min(0).max(5_000).default(500),
  /**
   * A hole in a source's numbers younger than this is reported as in flight, not missing: events
   * of one source reach audit through several partitions, not in order. See docs/decisions/029.
   */
  AUDIT_GAP_GRACE_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /** How often the tree head is checked; a checkpoint is signed only when the log grew. */
  AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(10_000),
  /** Created at startup with Object Lock; every checkpoint object is retention-locked. */
  AUDIT_CHECKPOINT_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .default('custos-audit-checkpoints'),
  AUDIT_CHECKPOINT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  /** COMPLIANCE: nobody, not even the root account, shortens or removes it before expiry. */
  AUDIT_CHECKPOINT_RETENTION_MODE: z.enum(['COMPLIANCE', 'GOVERNANCE']).default('COMPLIANCE'),
  /** Names this log in every checkpoint it signs. */
  AUDIT_CHECKPOINT_ORIGIN: z.string().refine(isValidOrigin, 'must be 1-128 printable ASCII characters without spaces').default('custos/audit'),
});
export type AuditConfig = z.infer<typeof auditEnv>;
