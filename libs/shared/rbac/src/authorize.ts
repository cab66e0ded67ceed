import { Action, scopeNeedOf } from './actions';
import { atLeast, Permission, PlatformRole, rank, ResourceType } from './permissions';
import { describeCap, minPermission, SCOPE_AREA_OF, scopeCap, scopeRefusal } from './scopes';

export interface Principal {
  id: string;
  kind: 'user' | 'service_account' | 'system' | 'anonymous';
  roles: readonly PlatformRole[];
  groups: readonly string[];
  /**
   * The API key's scopes when the caller signed in with a scoped key: they cap what it may do
   * (`scopes.ts`). Absent for passwords, identity-provider logins and unscoped keys: full rights.
   */
  scopes?: readonly string[];
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
  /** The permission the principal holds on the resource (capped by its key's scopes), when a resource was asked about. */
  effective?: Permission;
}

export interface PolicyContext {
  grants: readonly Grant[];
  defaultPermission: Permission;
}

/**
 * Pure and deterministic: same inputs, same decision, with a reason fit for an audit record. What
 * the owner may do is decided first; a scoped key then only narrows it (min of the two).
 */
export function authorize(principal: Principal, action: Action, resource: Resource | undefined, ctx: PolicyContext): Decision {
  if (principal.kind === 'anonymous') return deny('not authenticated');
  const isAdmin = principal.roles.includes('admin');
  const need = scopeNeedOf(action);
  const refusal = need && scopeRefusal(principal.scopes, need);
  switch (action.kind) {
    case 'admin':
      if (!isAdmin) return deny('requires admin');
      return refusal ? deny(refusal) : allow('admin');
    case 'audit':
      if (!isAdmin && !principal.roles.includes('auditor')) return deny('requires auditor role');
      return refusal ? deny(refusal) : allow(isAdmin ? 'admin' : 'auditor role');
    case 'authenticated':
      return refusal ? deny(refusal) : allow('authenticated');
    case 'resource': {
      const area = SCOPE_AREA_OF[action.resourceType];
      const cap = scopeCap(principal.scopes, area);
      const capNote = rank(cap) < rank('MANAGE') ? `; ${describeCap(area, cap)}` : '';
      if (isAdmin) {
        const effective = minPermission('MANAGE', cap);
        const allowed = atLeast(effective, action.permission);
        return { allowed, effective, reason: `admin${capNote}` };
      }
      if (!resource) return deny('resource required');
      if (resource.type !== action.resourceType) return deny(`action is on ${action.resourceType}, resource is ${resource.type}`);
      const { permission, source } = effectivePermission(principal, resource, ctx);
      const effective = minPermission(permission, cap);
      const allowed = atLeast(effective, action.permission);
      return {
        allowed,
        effective,
        reason: `${allowed ? 'holds' : 'lacks'} ${action.permission} on ${resource.type} ${resource.id} (has ${permission} from ${source}${capNote})`,
      };
    }
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/**
 * The key-scope half of `authorize` alone: it needs no resource, so a service may check it before
 * loading one, and a refusal says nothing about whether the resource exists.
 */
export function authorizeScope(principal: Principal, action: Action): Decision {
  const need = scopeNeedOf(action);
  const refusal = need && scopeRefusal(principal.scopes, need);
  return refusal ? deny(refusal) : allow('within key scope');
}

/** Platform administration as this credential may exercise it: the admin role, and `admin:manage` if the key is scoped. */
export function actsAsAdmin(principal: Principal): boolean {
  return authorize(principal, { kind: 'admin' }, undefined, { grants: [], defaultPermission: 'NO_PERMISSIONS' }).allowed;
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
