import { PermissionGranted, PermissionRevoked } from '@custos/events';
import { Permission, ResourceType } from '@custos/rbac';
import { DomainEvent, exhaustive } from './domain-event';
import { AuthzError } from './errors';
import { parseResourceType, Subject, subjectKey, validateResourcePattern, validateSubject } from './validation';

/**
 * Per-resource grants (MLflow's experiment and registered-model permissions): one stream per
 * (resource type, pattern), holding every subject's permission on it. MLflow's contract is kept:
 * creating a grant that exists, or updating/deleting one that does not, is an error; `SetGrant` is
 * the upsert behind Custos's own admin routes.
 */

interface GrantTarget {
  resourceType: ResourceType;
  resourcePattern: string;
  subject: Subject;
}

export type GrantCommand =
  | ({ type: 'CreateGrant'; permission: Permission } & GrantTarget)
  | ({ type: 'UpdateGrant'; permission: Permission } & GrantTarget)
  | ({ type: 'SetGrant'; permission: Permission } & GrantTarget)
  | ({ type: 'RevokeGrant' } & GrantTarget);

export type GrantEvent = DomainEvent<'authz.PermissionGranted', typeof PermissionGranted> | DomainEvent<'authz.PermissionRevoked', typeof PermissionRevoked>;

/** Subject key (`kind:id`) → permission. Keys are prefixed by kind, so no key is ever `__proto__`. */
export interface GrantState {
  permissions: Record<string, Permission>;
}

function held(state: GrantState, subject: Subject): Permission | undefined {
  const key = subjectKey(subject);
  return Object.prototype.hasOwnProperty.call(state.permissions, key) ? state.permissions[key] : undefined;
}

function describe(c: GrantTarget): string {
  return `${c.subject.kind}=${c.subject.id} on resource_type=${c.resourceType}, resource_pattern=${c.resourcePattern}`;
}

function granted(c: GrantTarget & { permission: Permission }): GrantEvent[] {
  return [{ type: 'authz.PermissionGranted', data: { subject: c.subject, resourceType: c.resourceType, resourcePattern: c.resourcePattern, permission: c.permission } }];
}

function decide(command: GrantCommand, state: GrantState): GrantEvent[] {
  parseResourceType(command.resourceType);
  validateResourcePattern(command.resourcePattern);
  validateSubject(command.subject);
  const current = held(state, command.subject);
  switch (command.type) {
    case 'CreateGrant':
      if (current !== undefined) throw AuthzError.alreadyExists(`Permission for ${describe(command)} already exists.`);
      return granted(command);
    case 'UpdateGrant':
      if (current === undefined) throw AuthzError.notFound(`Permission for ${describe(command)} not found`);
      return current === command.permission ? [] : granted(command);
    case 'SetGrant':
      return current === command.permission ? [] : granted(command);
    case 'RevokeGrant':
      if (current === undefined) throw AuthzError.notFound(`Permission for ${describe(command)} not found`);
      return [{ type: 'authz.PermissionRevoked', data: { subject: command.subject, resourceType: command.resourceType, resourcePattern: command.resourcePattern } }];
    default:
      exhaustive(command);
      throw AuthzError.invalid('unknown grant command');
  }
}

function evolve(state: GrantState, event: GrantEvent): GrantState {
  const key = subjectKey(event.data.subject);
  switch (event.type) {
    case 'authz.PermissionGranted':
      return { permissions: { ...state.permissions, [key]: event.data.permission } };
    case 'authz.PermissionRevoked': {
      const next = { ...state.permissions };
      delete next[key];
      return { permissions: next };
    }
    default:
      exhaustive(event);
      return state;
  }
}

export const grantDecider = {
  initialState: (): GrantState => ({ permissions: {} }),
  decide,
  evolve,
  stateVersion: 1,
};

export function grantStreamId(resourceType: ResourceType, resourcePattern: string): string {
  return `grants-${resourceType}-${resourcePattern}`;
}
