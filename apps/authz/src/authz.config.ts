import { z } from 'zod/v4';
import { baseServiceEnv } from '@custos/platform';
import { PERMISSION_LEVELS } from '@custos/rbac';

export const authzEnv = baseServiceEnv.extend({
  HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8083),
  /**
   * When set and no account exists yet, the first start creates the admin user `admin` with this
   * password (at least 12 characters). Unset, nothing is created. Secret: never logged.
   */
  AUTHZ_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
  /** scrypt cost as log2(N) for new password hashes; 13 (8 MiB, r=8, p=1) takes ~50-100 ms here. */
  AUTHZ_PASSWORD_HASH_LN: z.coerce.number().int().min(12).max(20).default(13),
  /** What a principal holds on a resource without any grant, until an admin sets it (MLflow's default_permission). */
  DEFAULT_PERMISSION: z.enum(PERMISSION_LEVELS).default('NO_PERMISSIONS'),
});
export type AuthzConfig = z.infer<typeof authzEnv>;
