import { Permission, ResourceType } from './permissions';

/**
 * What a route asks to do. Every route declares exactly one action; the action says which check
 * applies. Kept as data so that a test can enumerate every route and its policy.
 */
export type Action =
  /** Needs the given permission on one resource (creators hold MANAGE on what they create). */
  | { kind: 'resource'; resourceType: ResourceType; permission: Permission }
  /** Any authenticated principal may do it (e.g. create an experiment, which then belongs to them). */
  | { kind: 'authenticated' }
  /** Reading the audit log: auditors and admins. */
  | { kind: 'audit' }
  /** Platform administration: admins only. */
  | { kind: 'admin' };

export const Actions = {
  authenticated: (): Action => ({ kind: 'authenticated' }),
  audit: (): Action => ({ kind: 'audit' }),
  admin: (): Action => ({ kind: 'admin' }),
  onExperiment: (permission: Permission): Action => ({ kind: 'resource', resourceType: 'experiment', permission }),
  onRegisteredModel: (permission: Permission): Action => ({ kind: 'resource', resourceType: 'registered_model', permission }),
  onGatewayRoute: (permission: Permission): Action => ({ kind: 'resource', resourceType: 'gateway_route', permission }),
};

export function describeAction(a: Action): string {
  return a.kind === 'resource' ? `${a.permission} on ${a.resourceType}` : a.kind;
}
