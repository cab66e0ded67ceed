import { Permission, ResourceType } from './permissions';
import { SCOPE_AREA_OF, ScopeNeed, scopeOf } from './scopes';

/**
 * What a route asks to do. Every route declares exactly one action; the action says which check
 * applies. Kept as data so that a test can enumerate every route and its policy.
 */
export type Action =
  /** Needs the given permission on one resource (creators hold MANAGE on what they create). */
  | { kind: 'resource'; resourceType: ResourceType; permission: Permission }
  /**
   * Any authenticated principal may do it (e.g. create an experiment, which then belongs to them);
   * `scope` is what a scoped API key must allow for it (none: any key, e.g. "who am I").
   */
  | { kind: 'authenticated'; scope?: ScopeNeed }
  /** Reading the audit log: auditors and admins. */
  | { kind: 'audit' }
  /** Platform administration: admins only. */
  | { kind: 'admin' };

export const Actions = {
  authenticated: (scope?: ScopeNeed): Action => (scope ? { kind: 'authenticated', scope } : { kind: 'authenticated' }),
  audit: (): Action => ({ kind: 'audit' }),
  admin: (): Action => ({ kind: 'admin' }),
  onExperiment: (permission: Permission): Action => ({ kind: 'resource', resourceType: 'experiment', permission }),
  onRegisteredModel: (permission: Permission): Action => ({ kind: 'resource', resourceType: 'registered_model', permission }),
  onGatewayRoute: (permission: Permission): Action => ({ kind: 'resource', resourceType: 'gateway_route', permission }),
};

/**
 * What the action needs from a scoped key: resource actions their permission in the resource's
 * area, audit `audit:read`, admin `admin:manage`. `undefined`: any key may do it.
 */
export function scopeNeedOf(a: Action): ScopeNeed | undefined {
  switch (a.kind) {
    case 'resource':
      // NO_PERMISSIONS is never a route's requirement; treat it as the weakest real level.
      return { area: SCOPE_AREA_OF[a.resourceType], level: a.permission === 'NO_PERMISSIONS' ? 'READ' : a.permission };
    case 'authenticated':
      return a.scope;
    case 'audit':
      return { area: 'audit', level: 'READ' };
    case 'admin':
      return { area: 'admin', level: 'MANAGE' };
  }
}

export function describeAction(a: Action): string {
  if (a.kind === 'resource') return `${a.permission} on ${a.resourceType}`;
  return a.kind === 'authenticated' && a.scope ? `authenticated (${scopeOf(a.scope)})` : a.kind;
}
