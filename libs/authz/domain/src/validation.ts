import { canonicalScopes, invalidScopes, isPermission, Permission, PLATFORM_ROLES, PlatformRole, RESOURCE_TYPES, ResourceType, VALID_SCOPES } from '@custos/rbac';
import { AuthzError } from './errors';

/** C0 and C1 control characters and DEL: invisible in logs and UIs, and a log-injection vector. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export const USERNAME_MAX_LENGTH = 256;
/** MLflow's own minimum (`mlflow.utils.validation._validate_password`). */
export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing it is never a denial of service. */
export const PASSWORD_MAX_LENGTH = 1024;
export const GROUP_MAX_LENGTH = 256;
export const MAX_GROUPS = 256;
export const ROLE_NAME_MAX_LENGTH = 128;
export const ROLE_DESCRIPTION_MAX_LENGTH = 1000;
export const MAX_ROLE_GRANTS = 500;
export const KEY_NAME_MAX_LENGTH = 256;
export const MAX_KEY_SCOPES = 32;
/**
 * Grant streams are named `grants-<type>-<pattern>` and stream ids hold 512 characters; 480 leaves
 * room for the longest type. Registered-model names (256) and experiment ids fit with margin.
 */
export const RESOURCE_PATTERN_MAX_LENGTH = 480;

export interface GrantSpec {
  resourceType: ResourceType;
  resourcePattern: string;
  permission: Permission;
}

export type Subject = { kind: 'principal' | 'group'; id: string };

/**
 * Usernames travel in basic-auth headers (`user:password`, so no colon), log lines and admin
 * screens (so no control characters), and are compared byte for byte (so no surrounding spaces).
 */
export function validateUsername(username: string): void {
  if (username === '') throw AuthzError.invalid('Username cannot be empty.');
  if (username.length > USERNAME_MAX_LENGTH) throw AuthzError.invalid(`Username exceeds the maximum length of ${USERNAME_MAX_LENGTH} characters.`);
  if (CONTROL_CHARS.test(username)) throw AuthzError.invalid('Username must not contain control characters.');
  if (username.includes(':')) throw AuthzError.invalid("Username must not contain ':' (it separates user and password in HTTP basic authentication).");
  if (username.trim() !== username) throw AuthzError.invalid('Username must not start or end with whitespace.');
}

/** Checked before hashing; the domain never sees the password itself, only its hash. */
export function validatePassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw AuthzError.invalid(`Password must be at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (password.length > PASSWORD_MAX_LENGTH) throw AuthzError.invalid(`Password exceeds the maximum length of ${PASSWORD_MAX_LENGTH} characters.`);
}

/** A PHC scrypt string, so a plaintext password can never be stored by mistake. */
const PHC_SCRYPT = /^\$scrypt\$ln=\d{1,2},r=\d{1,3},p=\d{1,3}\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{32,}$/;

export function validatePasswordHash(hash: string): void {
  if (!PHC_SCRYPT.test(hash) || hash.length > 512) throw AuthzError.invalid('password hash must be a PHC scrypt string');
}

function validateName(what: string, value: string, max: number): void {
  if (value === '' || value.trim() === '') throw AuthzError.invalid(`${what} cannot be empty.`);
  if (value.length > max) throw AuthzError.invalid(`${what} exceeds the maximum length of ${max} characters.`);
  if (CONTROL_CHARS.test(value)) throw AuthzError.invalid(`${what} must not contain control characters.`);
}

export function validateGroupName(group: string): void {
  validateName('Group name', group, GROUP_MAX_LENGTH);
}

/** Sorted and de-duplicated, so equal sets compare equal and record no change. */
export function normalizeGroups(groups: readonly string[]): string[] {
  groups.forEach(validateGroupName);
  const out = [...new Set(groups)].sort();
  if (out.length > MAX_GROUPS) throw AuthzError.invalid(`A principal may belong to at most ${MAX_GROUPS} groups.`);
  return out;
}

export function parsePlatformRole(role: string): PlatformRole {
  if (!(PLATFORM_ROLES as readonly string[]).includes(role)) {
    throw AuthzError.invalid(`Invalid platform role '${role}'. Valid platform roles are: ${PLATFORM_ROLES.join(', ')}`);
  }
  return role as PlatformRole;
}

export function normalizePlatformRoles(roles: readonly string[]): PlatformRole[] {
  return [...new Set(roles.map(parsePlatformRole))].sort();
}

export function validateRoleName(name: string): void {
  validateName('Role name', name, ROLE_NAME_MAX_LENGTH);
  // MLflow reserves this namespace for its per-user synthetic roles; keep it free for clients that assume so.
  if (/^__user_\d+__$/.test(name)) throw AuthzError.invalid(`Role name '${name}' is reserved.`);
}

export function validateRoleDescription(description: string | undefined): void {
  if (description !== undefined && description.length > ROLE_DESCRIPTION_MAX_LENGTH) {
    throw AuthzError.invalid(`Role description exceeds the maximum length of ${ROLE_DESCRIPTION_MAX_LENGTH} characters.`);
  }
}

export function parseResourceType(type: string): ResourceType {
  if (!(RESOURCE_TYPES as readonly string[]).includes(type)) {
    throw AuthzError.invalid(`Invalid resource type '${type}'. Valid resource types are: ${RESOURCE_TYPES.join(', ')}`);
  }
  return type as ResourceType;
}

/**
 * MLflow's levels plus `DENY`, MLflow 3's name for an explicit deny, which Custos records as
 * NO_PERMISSIONS: the most specific grant wins, so an exact NO_PERMISSIONS overrides any wildcard.
 */
export function parsePermission(permission: string): Permission {
  if (permission === 'DENY') return 'NO_PERMISSIONS';
  if (!isPermission(permission)) {
    throw AuthzError.invalid(`Invalid permission '${permission}'. Valid permissions are: ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS', 'DENY')`);
  }
  return permission;
}

/** An exact id, `*`, or a prefix ending in `*` (the only wildcard, and only at the end). */
export function validateResourcePattern(pattern: string): void {
  if (pattern === '') throw AuthzError.invalid('Resource pattern cannot be empty.');
  if (pattern.length > RESOURCE_PATTERN_MAX_LENGTH) throw AuthzError.invalid(`Resource pattern exceeds the maximum length of ${RESOURCE_PATTERN_MAX_LENGTH} characters.`);
  if (CONTROL_CHARS.test(pattern)) throw AuthzError.invalid('Resource pattern must not contain control characters.');
  if (pattern.slice(0, -1).includes('*')) throw AuthzError.invalid(`Invalid resource pattern '${pattern}': '*' may only end a pattern.`);
}

export function validateSubject(subject: Subject): void {
  if (subject.kind !== 'principal' && subject.kind !== 'group') throw AuthzError.invalid(`Invalid subject kind '${String(subject.kind)}': must be principal or group.`);
  validateName(subject.kind === 'group' ? 'Group name' : 'Principal id', subject.id, subject.kind === 'group' ? GROUP_MAX_LENGTH : USERNAME_MAX_LENGTH);
}

export function validateGrantSpecs(grants: readonly GrantSpec[]): void {
  if (grants.length > MAX_ROLE_GRANTS) throw AuthzError.invalid(`A role may hold at most ${MAX_ROLE_GRANTS} grants.`);
  const seen = new Set<string>();
  for (const g of grants) {
    parseResourceType(g.resourceType);
    validateResourcePattern(g.resourcePattern);
    if (!isPermission(g.permission)) parsePermission(g.permission);
    const key = grantKey(g);
    if (seen.has(key)) throw AuthzError.invalid(`Duplicate grant for resource_type=${g.resourceType}, resource_pattern=${g.resourcePattern}.`);
    seen.add(key);
  }
}

export function grantKey(g: { resourceType: string; resourcePattern: string }): string {
  return `${g.resourceType}\u0000${g.resourcePattern}`;
}

export function subjectKey(s: Subject): string {
  return `${s.kind}:${s.id}`;
}

/**
 * An API key's scopes (`<area>:<level>`, the vocabulary of @custos/rbac): empty means the owner's
 * full rights; otherwise they cap what the key may do. Stored canonical: one scope per area (the
 * strongest given), sorted, so equal sets compare equal.
 */
export function normalizeScopes(scopes: readonly string[]): string[] {
  if (scopes.length > MAX_KEY_SCOPES) throw AuthzError.invalid(`An API key may carry at most ${MAX_KEY_SCOPES} scopes.`);
  const invalid = invalidScopes(scopes);
  if (invalid.length > 0) {
    const shown = invalid
      .slice(0, 5)
      .map((s) => `'${s.length > 64 ? `${s.slice(0, 64)}...` : s}'`)
      .join(', ');
    throw AuthzError.invalid(`Invalid scope${invalid.length > 1 ? 's' : ''} ${shown}. Valid scopes are: ${VALID_SCOPES.join(', ')}`);
  }
  return canonicalScopes(scopes);
}

export function validateKeyName(name: string): void {
  if (name.length > KEY_NAME_MAX_LENGTH) throw AuthzError.invalid(`Key name exceeds the maximum length of ${KEY_NAME_MAX_LENGTH} characters.`);
  if (CONTROL_CHARS.test(name)) throw AuthzError.invalid('Key name must not contain control characters.');
}
