import { UserAdminChanged, UserCreated, UserDeleted, UserGroupsChanged, UserPasswordChanged, UserPlatformRolesChanged } from '@custos/events';
import { PlatformRole } from '@custos/rbac';
import { DomainEvent, exhaustive } from './domain-event';
import { AuthzError } from './errors';
import { normalizeGroups, normalizePlatformRoles, validatePasswordHash, validateUsername } from './validation';

/**
 * One stream per user or service account, keyed by its immutable id (principal ids are user ids).
 * Username uniqueness spans streams, so the handler enforces it against the read model's unique
 * index; everything that depends on one account's own history is decided here.
 *
 * Invariant kept by every decision: `platformRoles` contains `admin` exactly when `isAdmin` is
 * true, so a consumer may read either field. Changing one emits both events.
 */

export type AccountKind = 'user' | 'service_account';

export type UserCommand =
  | { type: 'CreateUser'; userId: string; username: string; kind: AccountKind; isAdmin: boolean; platformRoles: string[]; passwordHash: string | null }
  | { type: 'ChangePassword'; userId: string; passwordHash: string }
  | { type: 'SetAdmin'; userId: string; isAdmin: boolean }
  | { type: 'SetPlatformRoles'; userId: string; platformRoles: string[] }
  | { type: 'SetGroups'; userId: string; groups: string[] }
  | { type: 'DeleteUser'; userId: string };

export type UserEvent =
  | DomainEvent<'authz.UserCreated', typeof UserCreated>
  | DomainEvent<'authz.UserPasswordChanged', typeof UserPasswordChanged>
  | DomainEvent<'authz.UserAdminChanged', typeof UserAdminChanged>
  | DomainEvent<'authz.UserPlatformRolesChanged', typeof UserPlatformRolesChanged>
  | DomainEvent<'authz.UserGroupsChanged', typeof UserGroupsChanged>
  | DomainEvent<'authz.UserDeleted', typeof UserDeleted>;

export interface ActiveUser {
  status: 'active';
  userId: string;
  username: string;
  kind: AccountKind;
  isAdmin: boolean;
  platformRoles: PlatformRole[];
  groups: string[];
  /** Kept for self-service password changes, which must prove the current password. */
  passwordHash: string | null;
}

export type UserState = { status: 'absent' } | ActiveUser | { status: 'deleted'; userId: string; username: string };

function active(state: UserState, userId: string): ActiveUser {
  if (state.status !== 'active') throw AuthzError.notFound(`User with id=${userId} not found`);
  return state;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function withAdmin(roles: readonly PlatformRole[], isAdmin: boolean): PlatformRole[] {
  const rest = roles.filter((r) => r !== 'admin');
  return (isAdmin ? [...rest, 'admin' as const] : rest).sort();
}

function create(c: Extract<UserCommand, { type: 'CreateUser' }>, state: UserState): UserEvent[] {
  validateUsername(c.username);
  const requested = normalizePlatformRoles(c.platformRoles);
  const isAdmin = c.isAdmin || requested.includes('admin');
  if (c.kind === 'service_account' && c.passwordHash !== null) throw AuthzError.invalid('Service accounts sign in with API keys, not passwords.');
  if (c.passwordHash !== null) validatePasswordHash(c.passwordHash);
  if (state.status !== 'absent') throw AuthzError.alreadyExists(`User (username=${c.username}) already exists.`);
  return [
    {
      type: 'authz.UserCreated',
      data: { userId: c.userId, username: c.username, kind: c.kind, isAdmin, platformRoles: withAdmin(requested, isAdmin), passwordHash: c.passwordHash },
    },
  ];
}

function changePassword(c: Extract<UserCommand, { type: 'ChangePassword' }>, state: UserState): UserEvent[] {
  validatePasswordHash(c.passwordHash);
  const u = active(state, c.userId);
  if (u.kind === 'service_account') throw AuthzError.invalid(`${u.username} is a service account: it signs in with API keys, not a password.`);
  return [{ type: 'authz.UserPasswordChanged', data: { userId: c.userId, passwordHash: c.passwordHash } }];
}

function setRoles(u: ActiveUser, roles: PlatformRole[]): UserEvent[] {
  const isAdmin = roles.includes('admin');
  const events: UserEvent[] = [];
  if (isAdmin !== u.isAdmin) events.push({ type: 'authz.UserAdminChanged', data: { userId: u.userId, isAdmin } });
  if (!sameList(roles, u.platformRoles)) events.push({ type: 'authz.UserPlatformRolesChanged', data: { userId: u.userId, platformRoles: roles } });
  return events;
}

function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'CreateUser':
      return create(command, state);
    case 'ChangePassword':
      return changePassword(command, state);
    case 'SetAdmin': {
      const u = active(state, command.userId);
      return setRoles(u, withAdmin(u.platformRoles, command.isAdmin));
    }
    case 'SetPlatformRoles':
      return setRoles(active(state, command.userId), normalizePlatformRoles(command.platformRoles));
    case 'SetGroups': {
      const groups = normalizeGroups(command.groups);
      const u = active(state, command.userId);
      return sameList(groups, u.groups) ? [] : [{ type: 'authz.UserGroupsChanged', data: { userId: command.userId, groups } }];
    }
    case 'DeleteUser':
      active(state, command.userId);
      return [{ type: 'authz.UserDeleted', data: { userId: command.userId } }];
    default:
      exhaustive(command);
      throw AuthzError.invalid('unknown user command');
  }
}

function evolve(state: UserState, event: UserEvent): UserState {
  if (event.type === 'authz.UserCreated') {
    const d = event.data;
    return { status: 'active', userId: d.userId, username: d.username, kind: d.kind, isAdmin: d.isAdmin, platformRoles: d.platformRoles, groups: [], passwordHash: d.passwordHash };
  }
  if (state.status !== 'active') return state;
  switch (event.type) {
    case 'authz.UserPasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash };
    case 'authz.UserAdminChanged':
      return { ...state, isAdmin: event.data.isAdmin };
    case 'authz.UserPlatformRolesChanged':
      return { ...state, platformRoles: event.data.platformRoles };
    case 'authz.UserGroupsChanged':
      return { ...state, groups: event.data.groups };
    case 'authz.UserDeleted':
      return { status: 'deleted', userId: state.userId, username: state.username };
    default:
      exhaustive(event);
      return state;
  }
}

export const userDecider = {
  initialState: (): UserState => ({ status: 'absent' }),
  decide,
  evolve,
  stateVersion: 1,
};

export function userStreamId(userId: string): string {
  return `user-${userId}`;
}
