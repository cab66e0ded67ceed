import { z } from 'zod';
import { baseServiceEnv } from '@custos/platform';

export const auditEnv = baseServiceEnv.extend({
  HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8084),
});
export type AuditConfig = z.infer<typeof auditEnv>;
