import { specFor } from './decider.spec-helper';
import { roleDecider, RoleEvent } from './role.decider';

const spec = specFor(roleDecider);
const readExp12 = { resourceType: 'experiment' as const, resourcePattern: '12', permission: 'READ' as const };
const editModels = { resourceType: 'registered_model' as const, resourcePattern: 'prod-*', permission: 'EDIT' as const };
const defined: RoleEvent = { type: 'authz.RoleDefined', data: { roleId: '1', name: 'readers', grants: [readExp12] } };
const alice = { kind: 'principal' as const, id: 'u-alice' };
const ml = { kind: 'group' as const, id: 'ml-team' };
const assigned: RoleEvent = { type: 'authz.RoleAssigned', data: { roleId: '1', subject: alice } };

describe('role decider', () => {
  describe('define', () => {
    it('creates a role with its grants and optional description', () => {
      spec
        .given()
        .when({ type: 'CreateRole', roleId: '1', name: 'readers', grants: [readExp12] })
        .then([defined]);
      spec
        .given()
        .when({ type: 'CreateRole', roleId: '1', name: 'readers', description: 'read team', grants: [] })
        .then([{ type: 'authz.RoleDefined', data: { roleId: '1', name: 'readers', description: 'read team', grants: [] } }]);
    });

    it('refuses duplicate grants, bad patterns, reserved and empty names', () => {
      spec
        .given()
        .when({ type: 'CreateRole', roleId: '1', name: 'r', grants: [readExp12, readExp12] })
        .thenError('INVALID_PARAMETER_VALUE', /Duplicate grant/);
      spec
        .given()
        .when({ type: 'CreateRole', roleId: '1', name: 'r', grants: [{ ...readExp12, resourcePattern: 'a*b' }] })
        .thenError('INVALID_PARAMETER_VALUE', "'*' may only end a pattern");
      spec
        .given()
        .when({ type: 'CreateRole', roleId: '1', name: '__user_3__', grants: [] })
        .thenError('INVALID_PARAMETER_VALUE', /reserved/);
      spec.given().when({ type: 'CreateRole', roleId: '1', name: '  ', grants: [] }).thenError('INVALID_PARAMETER_VALUE', 'Role name cannot be empty.');
    });

    it('refuses to create over an existing role', () => {
      spec.given(defined).when({ type: 'CreateRole', roleId: '1', name: 'x', grants: [] }).thenError('RESOURCE_ALREADY_EXISTS');
    });

    it('redefines the whole role on update, and records nothing when nothing changes', () => {
      spec
        .given(defined)
        .when({ type: 'UpdateRole', roleId: '1', description: 'now described' })
        .then([{ type: 'authz.RoleDefined', data: { roleId: '1', name: 'readers', description: 'now described', grants: [readExp12] } }]);
      spec.given(defined).when({ type: 'UpdateRole', roleId: '1', name: 'readers' }).thenNothing();
    });
  });

  describe('grants on a role', () => {
    it('adds, updates and removes a grant, each time emitting the whole role', () => {
      spec
        .given(defined)
        .when({ type: 'AddRoleGrant', roleId: '1', grant: editModels })
        .then([{ type: 'authz.RoleDefined', data: { roleId: '1', name: 'readers', grants: [readExp12, editModels] } }]);
      spec
        .given(defined)
        .when({ type: 'UpdateRoleGrant', roleId: '1', resourceType: 'experiment', resourcePattern: '12', permission: 'MANAGE' })
        .then([{ type: 'authz.RoleDefined', data: { roleId: '1', name: 'readers', grants: [{ ...readExp12, permission: 'MANAGE' }] } }]);
      spec
        .given(defined)
        .when({ type: 'RemoveRoleGrant', roleId: '1', resourceType: 'experiment', resourcePattern: '12' })
        .then([{ type: 'authz.RoleDefined', data: { roleId: '1', name: 'readers', grants: [] } }]);
    });

    it('answers MLflow-style for a duplicate or a missing grant', () => {
      spec
        .given(defined)
        .when({ type: 'AddRoleGrant', roleId: '1', grant: readExp12 })
        .thenError('RESOURCE_ALREADY_EXISTS', /already exists/);
      spec.given(defined).when({ type: 'RemoveRoleGrant', roleId: '1', resourceType: 'experiment', resourcePattern: '13' }).thenError('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('assignments', () => {
    it('assigns to a principal or a group once, and unassigns', () => {
      spec.given(defined).when({ type: 'AssignRole', roleId: '1', subject: alice }).then([assigned]);
      spec
        .given(defined, assigned)
        .when({ type: 'AssignRole', roleId: '1', subject: ml })
        .then([{ type: 'authz.RoleAssigned', data: { roleId: '1', subject: ml } }]);
      spec.given(defined, assigned).when({ type: 'AssignRole', roleId: '1', subject: alice }).thenError('RESOURCE_ALREADY_EXISTS');
      spec
        .given(defined, assigned)
        .when({ type: 'UnassignRole', roleId: '1', subject: alice })
        .then([{ type: 'authz.RoleUnassigned', data: { roleId: '1', subject: alice } }]);
      spec.given(defined).when({ type: 'UnassignRole', roleId: '1', subject: alice }).thenError('RESOURCE_DOES_NOT_EXIST');
    });

    it('keeps assignments across a redefinition', () => {
      const state = spec.fold([defined, assigned, { type: 'authz.RoleDefined', data: { roleId: '1', name: 'renamed', grants: [] } }]);
      expect(state).toMatchObject({ status: 'defined', name: 'renamed', assignments: ['principal:u-alice'] });
    });
  });

  it('deletes a role, after which it is not found', () => {
    const gone: RoleEvent = { type: 'authz.RoleDeleted', data: { roleId: '1' } };
    spec.given(defined).when({ type: 'DeleteRole', roleId: '1' }).then([gone]);
    spec.given(defined, gone).when({ type: 'AssignRole', roleId: '1', subject: alice }).thenError('RESOURCE_DOES_NOT_EXIST', 'Role with id=1 not found');
    spec.given().when({ type: 'DeleteRole', roleId: '1' }).thenError('RESOURCE_DOES_NOT_EXIST');
  });
});
