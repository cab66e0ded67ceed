import { z } from 'zod/v4';
import {
  ApiKeyIssued,
  ApiKeyRevoked,
  DefaultPermissionSet,
  IdentityProviderConfigured,
  IdentityProviderRemoved,
  PermissionGranted,
  PermissionRevoked,
  RoleAssigned,
  RoleDefined,
  RoleDeleted,
  RoleUnassigned,
  UserAdminChanged,
  UserCreated,
  UserDeleted,
  UserGroupsChanged,
  UserPasswordChanged,
  UserPlatformRolesChanged,
} from './contexts/authz.events';
import { AiEndpointCreated, AiEndpointDeleted } from './contexts/ai-gateway.events';
import { RegisteredModelCreated } from './contexts/registry.events';
import { ExperimentCreated } from './contexts/tracking.events';
import { Context } from './topics';

/**
 * A consumer in another service whose projection decides who may do what. A write that appends an
 * event of one of `eventTypes` answers only once this consumer has applied it (decision 031), so
 * the caller's very next request is judged on the new state, as with MLflow's single database.
 */
export interface AccessEnforcer {
  service: Context;
  /** The consumer's name in its service's definition (`ConsumerDefinition.name`). */
  consumer: string;
  eventTypes: readonly string[];
}

/** What the gateway's identity consumer applies: users, API keys and identity providers. */
export const IDENTITY_EVENT_TYPES = [
  UserCreated,
  UserPasswordChanged,
  UserAdminChanged,
  UserPlatformRolesChanged,
  UserGroupsChanged,
  UserDeleted,
  ApiKeyIssued,
  ApiKeyRevoked,
  IdentityProviderConfigured,
  IdentityProviderRemoved,
].map((d) => d.type);
const grants = [PermissionGranted, PermissionRevoked, RoleDefined, RoleDeleted, RoleAssigned, RoleUnassigned, UserDeleted, DefaultPermissionSet].map((d) => d.type);

/** The gateway's identity consumer also keeps authz's grants: it decides who may call which AI endpoint, in memory. */
export const GATEWAY_IDENTITY_EVENT_TYPES = [...new Set([...IDENTITY_EVENT_TYPES, ...grants])];

/** Every enforcing consumer, in one place: the writers' wait and the consumers' reports both read it. */
export const ACCESS_ENFORCERS: readonly AccessEnforcer[] = [
  // Authenticates every request against its projection of users, keys and identity providers, and
  // decides AI endpoint access from its projection of grants.
  { service: 'gateway', consumer: 'identity', eventTypes: GATEWAY_IDENTITY_EVENT_TYPES },
  // Decide object-level access from their projection of grants and roles.
  { service: 'tracking', consumer: 'access', eventTypes: grants },
  { service: 'registry', consumer: 'access', eventTypes: grants },
  // Creators hold MANAGE on what they create: authz learns creators from these events.
  { service: 'authz', consumer: 'resource-owners', eventTypes: [ExperimentCreated.type, RegisteredModelCreated.type, AiEndpointCreated.type, AiEndpointDeleted.type] },
];

export const enforcerKey = (e: { service: string; consumer: string }): string => `${e.service}/${e.consumer}`;

/** The enforcers an event of this type must reach before its write answers (none for most types). */
export function enforcersOf(eventType: string, enforcers: readonly AccessEnforcer[] = ACCESS_ENFORCERS): AccessEnforcer[] {
  return enforcers.filter((e) => e.eventTypes.includes(eventType));
}

/** The enforcer a service's consumer is, if it is one. */
export function enforcerFor(service: Context, consumer: string, enforcers: readonly AccessEnforcer[] = ACCESS_ENFORCERS): AccessEnforcer | undefined {
  return enforcers.find((e) => e.service === service && e.consumer === consumer);
}

/** Whether any enforcer waits for events this service writes (its types are prefixed by its context). */
export function writesEnforcedEvents(service: Context, enforcers: readonly AccessEnforcer[] = ACCESS_ENFORCERS): boolean {
  return enforcers.some((e) => e.eventTypes.some((t) => t.startsWith(`${service}.`)));
}

/**
 * Enforcers say here which events they have applied (committed, and any cache that could answer
 * from the old state dropped). One partition: the traffic is access changes only, and every
 * writer replica reads all of it.
 */
export const APPLIED_TOPIC = 'custos.applied';

/** Version 1 of a report. Unknown versions are ignored by readers, so the shape can grow. */
export const appliedReportSchema = z.object({
  v: z.literal(1),
  service: z.string().min(1).max(64),
  consumer: z.string().min(1).max(128),
  eventIds: z.array(z.string().min(1).max(64)).max(10_000),
});
export type AppliedReport = z.infer<typeof appliedReportSchema>;
