import { specFor } from './decider.spec-helper';
import { UserCommand, userDecider, UserEvent } from './user.decider';

const spec = specFor(userDecider);
const HASH = `$scrypt$ln=15,r=8,p=1$${'A'.repeat(22)}$${'B'.repeat(43)}`;
const HASH2 = `$scrypt$ln=15,r=8,p=1$${'C'.repeat(22)}$${'D'.repeat(43)}`;

const create = (over: Partial<Extract<UserCommand, { type: 'CreateUser' }>> = {}): UserCommand => ({
  type: 'CreateUser',
  userId: 'u1',
  username: 'alice',
  kind: 'user',
  isAdmin: false,
  platformRoles: [],
  passwordHash: HASH,
  ...over,
});
const created: UserEvent = { type: 'authz.UserCreated', data: { userId: 'u1', username: 'alice', kind: 'user', isAdmin: false, platformRoles: [], passwordHash: HASH } };
const svc: UserEvent = { type: 'authz.UserCreated', data: { userId: 's1', username: 'ci-bot', kind: 'service_account', isAdmin: false, platformRoles: [], passwordHash: null } };
const deleted: UserEvent = { type: 'authz.UserDeleted', data: { userId: 'u1' } };

describe('user decider', () => {
  describe('create', () => {
    it('creates a user with the hash it was given', () => {
      spec.given().when(create()).then([created]);
    });

    it('keeps admin and the admin platform role in step, whichever is asked for', () => {
      const admin = { ...created.data, isAdmin: true, platformRoles: ['admin' as const] };
      spec
        .given()
        .when(create({ isAdmin: true }))
        .then([{ type: 'authz.UserCreated', data: admin }]);
      spec
        .given()
        .when(create({ platformRoles: ['admin'] }))
        .then([{ type: 'authz.UserCreated', data: admin }]);
      spec
        .given()
        .when(create({ platformRoles: ['auditor', 'auditor'] }))
        .then([{ type: 'authz.UserCreated', data: { ...created.data, platformRoles: ['auditor'] } }]);
    });

    it('creates a service account without a password', () => {
      spec
        .given()
        .when(create({ userId: 's1', username: 'ci-bot', kind: 'service_account', passwordHash: null }))
        .then([svc]);
    });

    it('refuses a password on a service account', () => {
      spec
        .given()
        .when(create({ kind: 'service_account' }))
        .thenError('INVALID_PARAMETER_VALUE', /API keys/);
    });

    it('refuses anything but a PHC scrypt hash, so a plaintext password is never recorded', () => {
      spec
        .given()
        .when(create({ passwordHash: 'correct horse battery staple' }))
        .thenError('INVALID_PARAMETER_VALUE', 'PHC scrypt');
    });

    it.each([
      ['an empty username', '', 'Username cannot be empty.'],
      ['a control character', 'al\u0000ice', /control characters/],
      ['a newline', 'alice\nadmin', /control characters/],
      ['a colon', 'ali:ce', /':'/],
      ['surrounding whitespace', ' alice', /whitespace/],
      ['a username over 256 characters', 'a'.repeat(257), /maximum length of 256/],
    ])('refuses %s', (_label, username, message) => {
      spec.given().when(create({ username })).thenError('INVALID_PARAMETER_VALUE', message);
    });

    it('refuses an unknown platform role', () => {
      spec
        .given()
        .when(create({ platformRoles: ['root'] }))
        .thenError('INVALID_PARAMETER_VALUE', "Invalid platform role 'root'");
    });

    it('refuses a second create on the same stream, even after deletion', () => {
      spec.given(created).when(create()).thenError('RESOURCE_ALREADY_EXISTS', 'User (username=alice) already exists.');
      spec.given(created, deleted).when(create()).thenError('RESOURCE_ALREADY_EXISTS');
    });
  });

  describe('password', () => {
    it('records a new hash', () => {
      spec
        .given(created)
        .when({ type: 'ChangePassword', userId: 'u1', passwordHash: HASH2 })
        .then([{ type: 'authz.UserPasswordChanged', data: { userId: 'u1', passwordHash: HASH2 } }]);
    });

    it('folds the latest hash into state for self-service verification', () => {
      const state = spec.fold([created, { type: 'authz.UserPasswordChanged', data: { userId: 'u1', passwordHash: HASH2 } }]);
      expect(state).toMatchObject({ status: 'active', passwordHash: HASH2 });
    });

    it('refuses a password for a service account and for an unknown or deleted user', () => {
      spec
        .given(svc)
        .when({ type: 'ChangePassword', userId: 's1', passwordHash: HASH })
        .thenError('INVALID_PARAMETER_VALUE', /service account/);
      spec.given().when({ type: 'ChangePassword', userId: 'u1', passwordHash: HASH }).thenError('RESOURCE_DOES_NOT_EXIST');
      spec.given(created, deleted).when({ type: 'ChangePassword', userId: 'u1', passwordHash: HASH }).thenError('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('admin and platform roles', () => {
    it('making a user admin emits both facts; doing it again emits nothing', () => {
      const events = spec
        .given(created)
        .when({ type: 'SetAdmin', userId: 'u1', isAdmin: true })
        .then([
          { type: 'authz.UserAdminChanged', data: { userId: 'u1', isAdmin: true } },
          { type: 'authz.UserPlatformRolesChanged', data: { userId: 'u1', platformRoles: ['admin'] } },
        ]);
      spec
        .given(created, ...events)
        .when({ type: 'SetAdmin', userId: 'u1', isAdmin: true })
        .thenNothing();
    });

    it('setting platform roles keeps other roles and updates admin when it changes', () => {
      const auditor: UserEvent = { type: 'authz.UserPlatformRolesChanged', data: { userId: 'u1', platformRoles: ['auditor'] } };
      spec
        .given(created, auditor)
        .when({ type: 'SetPlatformRoles', userId: 'u1', platformRoles: ['auditor', 'admin'] })
        .then([
          { type: 'authz.UserAdminChanged', data: { userId: 'u1', isAdmin: true } },
          { type: 'authz.UserPlatformRolesChanged', data: { userId: 'u1', platformRoles: ['admin', 'auditor'] } },
        ]);
      spec
        .given(created)
        .when({ type: 'SetPlatformRoles', userId: 'u1', platformRoles: ['auditor'] })
        .then([auditor]);
      spec.given(created, auditor).when({ type: 'SetAdmin', userId: 'u1', isAdmin: false }).thenNothing();
    });
  });

  describe('groups', () => {
    it('records groups sorted and de-duplicated, and nothing when unchanged', () => {
      const events = spec
        .given(created)
        .when({ type: 'SetGroups', userId: 'u1', groups: ['ml', 'data', 'ml'] })
        .then([{ type: 'authz.UserGroupsChanged', data: { userId: 'u1', groups: ['data', 'ml'] } }]);
      spec
        .given(created, ...events)
        .when({ type: 'SetGroups', userId: 'u1', groups: ['ml', 'data'] })
        .thenNothing();
    });

    it('refuses an empty group name', () => {
      spec
        .given(created)
        .when({ type: 'SetGroups', userId: 'u1', groups: [''] })
        .thenError('INVALID_PARAMETER_VALUE', 'Group name cannot be empty.');
    });
  });

  describe('delete', () => {
    it('deletes once', () => {
      spec.given(created).when({ type: 'DeleteUser', userId: 'u1' }).then([deleted]);
      spec.given(created, deleted).when({ type: 'DeleteUser', userId: 'u1' }).thenError('RESOURCE_DOES_NOT_EXIST');
    });

    it('ignores later facts about a deleted user when folding', () => {
      const state = spec.fold([created, deleted, { type: 'authz.UserAdminChanged', data: { userId: 'u1', isAdmin: true } }]);
      expect(state).toEqual({ status: 'deleted', userId: 'u1', username: 'alice' });
    });
  });
});
