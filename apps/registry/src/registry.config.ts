import { z } from 'zod/v4';
import { baseServiceEnv } from '@custos/platform';

export const registryEnv = baseServiceEnv.extend({
  HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8082),
});
export type RegistryConfig = z.infer<typeof registryEnv>;
