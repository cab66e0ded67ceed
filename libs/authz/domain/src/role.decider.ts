import { RoleAssigned, RoleDefined, RoleDeleted, RoleUnassigned } from '@custos/events';
import { Permission } from '@custos/rbac';
import { DomainEvent, exhaustive } from './domain-event';
import { AuthzError } from './errors';
import { GrantSpec, grantKey, Subject, subjectKey, validateGrantSpecs, validateResourcePattern, validateRoleDescription, validateRoleName, validateSubject } from './validation';

/**
 * One stream per role. Every change to the role's name, description or grants emits the whole role
 * again as `RoleDefined` (consumers upsert it); assignments are their own events. Role names are
 * unique across streams, which the handler enforces through the read model's unique index.
 */

export type RoleCommand =
  | { type: 'CreateRole'; roleId: string; name: string; description?: string; grants: GrantSpec[] }
  | { type: 'UpdateRole'; roleId: string; name?: string; description?: string; grants?: GrantSpec[] }
  | { type: 'AddRoleGrant'; roleId: string; grant: GrantSpec }
  | { type: 'UpdateRoleGrant'; roleId: string; resourceType: GrantSpec['resourceType']; resourcePattern: string; permission: Permission }
  | { type: 'RemoveRoleGrant'; roleId: string; resourceType: GrantSpec['resourceType']; resourcePattern: string }
  | { type: 'DeleteRole'; roleId: string }
  | { type: 'AssignRole'; roleId: string; subject: Subject }
  | { type: 'UnassignRole'; roleId: string; subject: Subject };

export type RoleEvent =
  | DomainEvent<'authz.RoleDefined', typeof RoleDefined>
  | DomainEvent<'authz.RoleDeleted', typeof RoleDeleted>
  | DomainEvent<'authz.RoleAssigned', typeof RoleAssigned>
  | DomainEvent<'authz.RoleUnassigned', typeof RoleUnassigned>;

export interface DefinedRole {
  status: 'defined';
  roleId: string;
  name: string;
  description?: string;
  grants: GrantSpec[];
  /** `kind:id` of every subject the role is assigned to. */
  assignments: string[];
}

export type RoleState = { status: 'absent' } | DefinedRole | { status: 'deleted'; roleId: string };

function defined(state: RoleState, roleId: string): DefinedRole {
  if (state.status !== 'defined') throw AuthzError.notFound(`Role with id=${roleId} not found`);
  return state;
}

function defineEvent(role: Omit<DefinedRole, 'status' | 'assignments'>): RoleEvent {
  return {
    type: 'authz.RoleDefined',
    data: {
      roleId: role.roleId,
      name: role.name,
      ...(role.description !== undefined ? { description: role.description } : {}),
      grants: role.grants.map((g) => ({ resourceType: g.resourceType, resourcePattern: g.resourcePattern, permission: g.permission })),
    },
  };
}

/** Emits the role again only if something changed. */
function redefine(r: DefinedRole, next: Omit<DefinedRole, 'status' | 'assignments'>): RoleEvent[] {
  validateRoleName(next.name);
  validateRoleDescription(next.description);
  validateGrantSpecs(next.grants);
  const same = r.name === next.name && r.description === next.description && JSON.stringify(r.grants) === JSON.stringify(next.grants);
  return same ? [] : [defineEvent(next)];
}

function findGrant(r: DefinedRole, resourceType: string, resourcePattern: string): number {
  const key = grantKey({ resourceType, resourcePattern });
  return r.grants.findIndex((g) => grantKey(g) === key);
}

function decide(command: RoleCommand, state: RoleState): RoleEvent[] {
  switch (command.type) {
    case 'CreateRole': {
      validateRoleName(command.name);
      validateRoleDescription(command.description);
      validateGrantSpecs(command.grants);
      if (state.status !== 'absent') throw AuthzError.alreadyExists(`Role with id=${command.roleId} already exists.`);
      return [defineEvent({ roleId: command.roleId, name: command.name, description: command.description, grants: command.grants })];
    }
    case 'UpdateRole': {
      const r = defined(state, command.roleId);
      return redefine(r, {
        roleId: r.roleId,
        name: command.name ?? r.name,
        description: command.description ?? r.description,
        grants: command.grants ?? r.grants,
      });
    }
    case 'AddRoleGrant': {
      const r = defined(state, command.roleId);
      const g = command.grant;
      validateResourcePattern(g.resourcePattern);
      if (findGrant(r, g.resourceType, g.resourcePattern) >= 0) {
        throw AuthzError.alreadyExists(`Role permission (role_id=${r.roleId}, resource_type=${g.resourceType}, resource_pattern=${g.resourcePattern}) already exists.`);
      }
      return redefine(r, { ...r, grants: [...r.grants, g] });
    }
    case 'UpdateRoleGrant': {
      const r = defined(state, command.roleId);
      const i = findGrant(r, command.resourceType, command.resourcePattern);
      if (i < 0) throw AuthzError.notFound(`Role permission (role_id=${r.roleId}, resource_type=${command.resourceType}, resource_pattern=${command.resourcePattern}) not found`);
      return redefine(r, { ...r, grants: r.grants.map((g, j) => (j === i ? { ...g, permission: command.permission } : g)) });
    }
    case 'RemoveRoleGrant': {
      const r = defined(state, command.roleId);
      const i = findGrant(r, command.resourceType, command.resourcePattern);
      if (i < 0) throw AuthzError.notFound(`Role permission (role_id=${r.roleId}, resource_type=${command.resourceType}, resource_pattern=${command.resourcePattern}) not found`);
      return redefine(r, { ...r, grants: r.grants.filter((_, j) => j !== i) });
    }
    case 'DeleteRole':
      defined(state, command.roleId);
      return [{ type: 'authz.RoleDeleted', data: { roleId: command.roleId } }];
    case 'AssignRole': {
      validateSubject(command.subject);
      const r = defined(state, command.roleId);
      if (r.assignments.includes(subjectKey(command.subject))) {
        throw AuthzError.alreadyExists(`Role assignment (role_id=${r.roleId}, ${command.subject.kind}=${command.subject.id}) already exists`);
      }
      return [{ type: 'authz.RoleAssigned', data: { roleId: command.roleId, subject: command.subject } }];
    }
    case 'UnassignRole': {
      const r = defined(state, command.roleId);
      if (!r.assignments.includes(subjectKey(command.subject))) {
        throw AuthzError.notFound(`Role assignment (role_id=${r.roleId}, ${command.subject.kind}=${command.subject.id}) not found`);
      }
      return [{ type: 'authz.RoleUnassigned', data: { roleId: command.roleId, subject: command.subject } }];
    }
    default:
      exhaustive(command);
      throw AuthzError.invalid('unknown role command');
  }
}

function evolve(state: RoleState, event: RoleEvent): RoleState {
  switch (event.type) {
    case 'authz.RoleDefined': {
      const d = event.data;
      const assignments = state.status === 'defined' ? state.assignments : [];
      return { status: 'defined', roleId: d.roleId, name: d.name, ...(d.description !== undefined ? { description: d.description } : {}), grants: d.grants, assignments };
    }
    case 'authz.RoleDeleted':
      return { status: 'deleted', roleId: event.data.roleId };
    case 'authz.RoleAssigned':
      return state.status === 'defined' ? { ...state, assignments: [...state.assignments, subjectKey(event.data.subject)] } : state;
    case 'authz.RoleUnassigned': {
      if (state.status !== 'defined') return state;
      const key = subjectKey(event.data.subject);
      return { ...state, assignments: state.assignments.filter((a) => a !== key) };
    }
    default:
      exhaustive(event);
      return state;
  }
}

export const roleDecider = {
  initialState: (): RoleState => ({ status: 'absent' }),
  decide,
  evolve,
  stateVersion: 1,
};

export function roleStreamId(roleId: string): string {
  return `role-${roleId}`;
}
