import { z } from 'zod';
import { baseServiceEnv } from '@custos/platform';

export const authzEnv = baseServiceEnv.extend({
  HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8083),
});
export type AuthzConfig = z.infer<typeof authzEnv>;
