import { z } from 'zod/v4';
import { baseServiceEnv, s3Env } from '@custos/platform';
import { PERMISSION_LEVELS } from '@custos/rbac';

export const trackingEnv = baseServiceEnv.extend(s3Env.shape).extend({
  HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8081),
  ARTIFACTS_BUCKET: z.string().min(3).default('custos-artifacts'),
  /** `kid:base64(32 bytes),...`: master keys that wrap per-object data keys. Secret. */
  ARTIFACT_MASTER_KEYS: z.string().min(1),
  ARTIFACT_ACTIVE_KEY_ID: z.string().min(1),
  /** What a user holds on an experiment without any grant (MLflow's default_permission). */
  DEFAULT_PERMISSION: z.enum(PERMISSION_LEVELS).default('NO_PERMISSIONS'),
});
export type TrackingConfig = z.infer<typeof trackingEnv>;
