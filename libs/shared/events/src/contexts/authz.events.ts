import { z } from 'zod/v4';
import { defineEvent } from '../schema-registry';

/**
 * Identity and access facts. Credentials never travel: passwords and API keys appear only as
 * one-way hashes (the gateway verifies against its projection of these events without calling
 * authz per request), and audit drops the hash fields (see `sensitiveFields`).
 */
const permission = z.enum(['NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE']);
const resourceType = z.enum(['experiment', 'registered_model', 'gateway_route']);
const subject = z.object({ kind: z.enum(['principal', 'group']), id: z.string().min(1).max(256) });
const platformRole = z.enum(['admin', 'auditor']);
const grantSpec = z.object({ resourceType, resourcePattern: z.string().min(1).max(512), permission });

export const UserCreated = defineEvent('authz.UserCreated', {
  version: 1,
  schema: z.object({
    userId: z.string().min(1).max(64),
    username: z.string().min(1).max(256),
    kind: z.enum(['user', 'service_account']),
    isAdmin: z.boolean(),
    platformRoles: z.array(platformRole),
    /** PHC-formatted memory-hard hash (scrypt); null for accounts that sign in only by key or IdP. */
    passwordHash: z.string().max(512).nullable(),
  }),
});

export const UserPasswordChanged = defineEvent('authz.UserPasswordChanged', {
  version: 1,
  schema: z.object({ userId: z.string(), passwordHash: z.string().max(512) }),
});

export const UserAdminChanged = defineEvent('authz.UserAdminChanged', {
  version: 1,
  schema: z.object({ userId: z.string(), isAdmin: z.boolean() }),
});

export const UserPlatformRolesChanged = defineEvent('authz.UserPlatformRolesChanged', {
  version: 1,
  schema: z.object({ userId: z.string(), platformRoles: z.array(platformRole) }),
});

export const UserGroupsChanged = defineEvent('authz.UserGroupsChanged', {
  version: 1,
  schema: z.object({ userId: z.string(), groups: z.array(z.string().min(1).max(256)) }),
});

export const UserDeleted = defineEvent('authz.UserDeleted', {
  version: 1,
  schema: z.object({ userId: z.string() }),
});

export const ApiKeyIssued = defineEvent('authz.ApiKeyIssued', {
  version: 1,
  schema: z.object({
    keyId: z.string().min(1).max(64),
    /** The visible part of the key (e.g. `cus_3kf9`), to recognise it in lists and logs. */
    prefix: z.string().min(4).max(32),
    /** SHA-256 (hex) of the whole key: keys are high-entropy random, so a fast hash is the right one. */
    keyHash: z.string().regex(/^[0-9a-f]{64}$/),
    ownerId: z.string(),
    name: z.string().max(256),
    scopes: z.array(z.string().max(128)),
    expiresAt: z.string().datetime({ offset: true }).nullable(),
  }),
});

export const ApiKeyRevoked = defineEvent('authz.ApiKeyRevoked', {
  version: 1,
  schema: z.object({ keyId: z.string(), ownerId: z.string() }),
});

/**
 * A named set of grants, assignable to principals and groups. Emitted again, whole, on every change
 * (rename, description, grant added/updated/removed): the latest one is the role.
 * `description` is optional and additive (MLflow 3's roles carry one); v1 events without it stay valid.
 */
export const RoleDefined = defineEvent('authz.RoleDefined', {
  version: 1,
  schema: z.object({ roleId: z.string(), name: z.string().min(1).max(128), description: z.string().max(1000).optional(), grants: z.array(grantSpec) }),
});

export const RoleDeleted = defineEvent('authz.RoleDeleted', {
  version: 1,
  schema: z.object({ roleId: z.string() }),
});

export const RoleAssigned = defineEvent('authz.RoleAssigned', {
  version: 1,
  schema: z.object({ roleId: z.string(), subject }),
});

export const RoleUnassigned = defineEvent('authz.RoleUnassigned', {
  version: 1,
  schema: z.object({ roleId: z.string(), subject }),
});

/** A per-resource grant (MLflow's experiment / registered-model permissions). Upserts by (subject, type, pattern). */
export const PermissionGranted = defineEvent('authz.PermissionGranted', {
  version: 1,
  schema: z.object({ subject, resourceType, resourcePattern: z.string().min(1).max(512), permission }),
});

export const PermissionRevoked = defineEvent('authz.PermissionRevoked', {
  version: 1,
  schema: z.object({ subject, resourceType, resourcePattern: z.string().min(1).max(512) }),
});

export const DefaultPermissionSet = defineEvent('authz.DefaultPermissionSet', {
  version: 1,
  schema: z.object({ permission }),
});

/** OIDC issuers and LDAP directories. Secrets (an LDAP bind password) are referenced by name, never carried. */
export const IdentityProviderConfigured = defineEvent('authz.IdentityProviderConfigured', {
  version: 1,
  schema: z.object({
    providerId: z.string().min(1).max(64),
    kind: z.enum(['oidc', 'ldap']),
    enabled: z.boolean(),
    oidc: z
      .object({
        issuer: z.string().url(),
        audience: z.string().min(1),
        jwksUri: z.string().url(),
        allowedAlgorithms: z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])).min(1),
        usernameClaim: z.string().default('sub'),
        groupsClaim: z.string().default('groups'),
        maxClockSkewSeconds: z.number().int().min(0).max(300).default(60),
      })
      .optional(),
    ldap: z
      .object({
        url: z.string().regex(/^ldaps?:\/\//),
        userDnTemplate: z.string().optional(),
        searchBase: z.string().optional(),
        searchFilter: z.string().optional(),
        bindDn: z.string().optional(),
        bindPasswordSecretName: z.string().optional(),
        groupsAttribute: z.string().optional(),
      })
      .optional(),
    /** IdP group name → Custos role names (authz roles or the platform roles admin/auditor). */
    groupRoleMap: z.record(z.string(), z.array(z.string().min(1).max(128))),
  }),
});

export const IdentityProviderRemoved = defineEvent('authz.IdentityProviderRemoved', {
  version: 1,
  schema: z.object({ providerId: z.string() }),
});

export const authzEvents = [
  UserCreated,
  UserPasswordChanged,
  UserAdminChanged,
  UserPlatformRolesChanged,
  UserGroupsChanged,
  UserDeleted,
  ApiKeyIssued,
  ApiKeyRevoked,
  RoleDefined,
  RoleDeleted,
  RoleAssigned,
  RoleUnassigned,
  PermissionGranted,
  PermissionRevoked,
  DefaultPermissionSet,
  IdentityProviderConfigured,
  IdentityProviderRemoved,
];

/** Fields that reach the services that need them but are dropped from the audit record. */
export const authzSensitiveFields: Record<string, string[]> = {
  [UserCreated.type]: ['passwordHash'],
  [UserPasswordChanged.type]: ['passwordHash'],
  [ApiKeyIssued.type]: ['keyHash'],
};
