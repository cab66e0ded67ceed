import { PLATFORM_ROLES, PlatformRole, Principal } from '@custos/rbac';
import { UserRecord } from '../identity/identity.store';

const isPlatformRole = (r: string): r is PlatformRole => (PLATFORM_ROLES as readonly string[]).includes(r);
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

export const BOOTSTRAP_PRINCIPAL: Principal = { id: 'bootstrap-admin', kind: 'user', roles: ['admin'], groups: [] };

/** A Custos user or service account as the internal token carries it: `isAdmin` is the admin role. */
export function userPrincipal(u: UserRecord): Principal {
  return {
    id: u.userId,
    kind: u.kind,
    roles: unique([...(u.isAdmin ? (['admin'] as PlatformRole[]) : []), ...u.platformRoles.filter(isPlatformRole)]),
    groups: unique(u.groups),
  };
}

/**
 * The owner of an API key, signed in with that key (bearer, or as the basic-auth password). The
 * key's scopes travel with the principal and cap it in every service; a key without scopes carries
 * none, which means the owner's full rights (keys issued before scopes existed included).
 */
export function keyPrincipal(owner: UserRecord, keyScopes: readonly string[]): Principal {
  const p = userPrincipal(owner);
  return keyScopes.length === 0 ? p : { ...p, scopes: [...keyScopes] };
}

/**
 * An identity-provider user. The provider's groups become the principal's groups (grants and authz
 * roles assigned to those groups apply); a group mapped to the platform roles admin or auditor
 * grants them. Other role names in the map are authz roles, which authz assigns to the group.
 *
 * A provider user is linked to the Custos account of the same username only when that account has
 * no password (it was made for sign-in by key or identity provider): a provider can then not take
 * over a local password account, such as the first admin, by asserting its name.
 */
export function providerPrincipal(providerId: string, username: string, providerGroups: string[], groupRoleMap: Record<string, string[]>, linked?: UserRecord): Principal {
  const mapped = providerGroups.flatMap((g) => groupRoleMap[g] ?? []).filter(isPlatformRole);
  const groups = unique(providerGroups);
  if (linked && linked.passwordHash === null) {
    const own = userPrincipal(linked);
    return { ...own, roles: unique([...own.roles, ...mapped]), groups: unique([...own.groups, ...groups]) };
  }
  return { id: `idp:${providerId}:${username}`, kind: 'user', roles: unique(mapped), groups };
}
