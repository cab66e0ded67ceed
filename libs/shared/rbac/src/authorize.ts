import { Action } from './actions';
import { atLeast, Permission, PlatformRole, rank, ResourceType } from './permissions';

export interface Principal {
  id: string;
  kind: 'user' | 'service_account' | 'system' | 'anonymous';
  roles: readonly PlatformRole[];
  groups: readonly string[];
}

export interface Resource {
  type: ResourceType;
  id: string;
  /** Who created it: creators hold MANAGE. */
  ownerId?: string;
}

/** A grant to a user/service account (by id) or to a group, on one resource or a `*`-pattern. */
export interface Grant {
  subject: { kind: 'principal' | 'group'; id: string };
  resourceType: ResourceType;
  /** Exact id, `*`, or a prefix pattern ending in `*`. */
  resourcePattern: string;
  permission: Permission;
}

export interface Decision {
  allowed: boolean;
  reason: string;
  /** The permission the principal holds on the resource, when a resource was asked about. */
  effective?: Permission;
}

export interface PolicyContext {
  grants: readonly Grant[];
  defaultPermission: Permission;
}

/** Pure and deterministic: same inputs, same decision, with a reason fit for an audit record. */
export function authorize(principal: Principal, action: Action, resource: Resource | undefined, ctx: PolicyContext): Decision {
  if (principal.kind === 'anonymous') return deny('not authenticated');
  const isAdmin = principal.roles.includes('admin');
  switch (action.kind) {
    case 'admin':
      return isAdmin ? allow('admin') : deny('requires admin');
    case 'audit':
      return isAdmin || principal.roles.includes('auditor') ? allow(isAdmin ? 'admin' : 'auditor role') : deny('requires auditor role');
    case 'authenticated':
      return allow('authenticated');
    case 'resource': {
      if (isAdmin) return { allowed: true, reason: 'admin', effective: 'MANAGE' };
      if (!resource) return deny('resource required');
      if (resource.type !== action.resourceType) return deny(`action is on ${action.resourceType}, resource is ${resource.type}`);
      const { permission, source } = effectivePermission(principal, resource, ctx);
      const allowed = atLeast(permission, action.permission);
      return {
        allowed,
        effective: permission,
        reason: `${allowed ? 'holds' : 'lacks'} ${action.permission} on ${resource.type} ${resource.id} (has ${permission} from ${source})`,
      };
    }
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/**
 * The most specific grant wins over the default; among grants of equal specificity the strongest
 * wins. An explicit NO_PERMISSIONS grant on the exact resource therefore overrides a wildcard.
 */
export function effectivePermission(principal: Principal, resource: Resource, ctx: PolicyContext): { permission: Permission; source: string } {
  if (resource.ownerId !== undefined && resource.ownerId === principal.id) return { permission: 'MANAGE', source: 'creator' };
  let best: { permission: Permission; specificity: number } | undefined;
  for (const g of ctx.grants) {
    if (g.resourceType !== resource.type) continue;
    if (!subjectMatches(principal, g.subject)) continue;
    const specificity = patternSpecificity(g.resourcePattern, resource.id);
    if (specificity < 0) continue;
    if (!best || specificity > best.specificity || (specificity === best.specificity && rank(g.permission) > rank(best.permission))) {
      best = { permission: g.permission, specificity };
    }
  }
  return best ? { permission: best.permission, source: 'grant' } : { permission: ctx.defaultPermission, source: 'default' };
}

function subjectMatches(p: Principal, s: Grant['subject']): boolean {
  return s.kind === 'principal' ? s.id === p.id : p.groups.includes(s.id);
}

/** -1: no match; otherwise larger is more specific (exact beats any prefix, longer prefix beats shorter). */
export function patternSpecificity(pattern: string, id: string): number {
  if (pattern === id) return Number.MAX_SAFE_INTEGER;
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return id.startsWith(prefix) ? prefix.length : -1;
  }
  return -1;
}

function allow(reason: string): Decision {
  return { allowed: true, reason };
}

function deny(reason: string): Decision {
  return { allowed: false, reason };
}
