import { z } from 'zod/v4';
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
    /** Why, in words fit for an auditor (e.g. which IP rule matched). */
    detail: z.string().max(512).optional(),
  }),
});

/**
 * IP allow/deny rules, owned by the gateway and applied by every replica from these events.
 * `routePrefix` null means global. Addresses are canonical CIDR (validated before the event).
 */
export const IpRuleAdded = defineEvent('gateway.IpRuleAdded', {
  version: 1,
  schema: z.object({
    ruleId: z.string().min(1).max(64),
    action: z.enum(['allow', 'deny']),
    cidr: z.string().min(3).max(64),
    routePrefix: z.string().max(512).nullable(),
    description: z.string().max(512),
  }),
});

export const IpRuleRemoved = defineEvent('gateway.IpRuleRemoved', {
  version: 1,
  schema: z.object({ ruleId: z.string() }),
});

export const gatewayEvents = [RequestDenied, IpRuleAdded, IpRuleRemoved];
