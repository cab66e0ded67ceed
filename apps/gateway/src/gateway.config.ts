import { z } from 'zod';
import { baseServiceEnv, envSchemas } from '@custos/platform';

const url = z.string().url();

export const gatewayEnv = baseServiceEnv.extend({
  HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8080),
  INTERNAL_TOKEN_PRIVATE_KEY: envSchemas.base64Key,
  /** The first credential, until users and keys exist in authz. Compared by hash, never logged. */
  BOOTSTRAP_ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters'),
  TRACKING_URL: url,
  REGISTRY_URL: url,
  AUTHZ_URL: url,
  AUDIT_URL: url,
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed. Empty: the socket peer is the client. */
  TRUSTED_PROXIES: z.string().default(''),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
});
export type GatewayConfig = z.infer<typeof gatewayEnv>;
