import { z } from 'zod';
import { defineEvent } from '../schema-registry';

/** A denied request at the edge. Never carries the credential, only what kind it was. */
export const RequestDenied = defineEvent('gateway.RequestDenied', {
  version: 1,
  schema: z.object({
    reason: z.enum(['unauthenticated', 'invalid_credentials', 'forbidden', 'ip_blocked', 'rate_limited']),
    method: z.string(),
    path: z.string().max(2048),
    status: z.number().int(),
    credentialKind: z.enum(['none', 'api_key', 'basic', 'bearer', 'internal']).optional(),
    /** The account a failed credential claimed (e.g. basic-auth username), never the secret. */
    claimedAccount: z.string().max(256).optional(),
  }),
});

export const gatewayEvents = [RequestDenied];
