import { specFor } from './decider.spec-helper';
import { grantDecider, GrantEvent, grantStreamId } from './grant.decider';

const spec = specFor(grantDecider);
const bob = { kind: 'principal' as const, id: 'u-bob' };
const ml = { kind: 'group' as const, id: 'ml-team' };
const target = { resourceType: 'experiment' as const, resourcePattern: '7', subject: bob };
const granted: GrantEvent = { type: 'authz.PermissionGranted', data: { ...target, permission: 'READ' } };

describe('grant decider', () => {
  it('creates a grant once (MLflow: a second create is RESOURCE_ALREADY_EXISTS)', () => {
    spec
      .given()
      .when({ type: 'CreateGrant', ...target, permission: 'READ' })
      .then([granted]);
    spec
      .given(granted)
      .when({ type: 'CreateGrant', ...target, permission: 'EDIT' })
      .thenError('RESOURCE_ALREADY_EXISTS', /already exists/);
  });

  it('keeps subjects apart on one resource', () => {
    spec
      .given(granted)
      .when({ type: 'CreateGrant', ...target, subject: ml, permission: 'EDIT' })
      .then([{ type: 'authz.PermissionGranted', data: { ...target, subject: ml, permission: 'EDIT' } }]);
  });

  it('updates only an existing grant, and records nothing for the same level', () => {
    spec
      .given(granted)
      .when({ type: 'UpdateGrant', ...target, permission: 'MANAGE' })
      .then([{ type: 'authz.PermissionGranted', data: { ...target, permission: 'MANAGE' } }]);
    spec
      .given(granted)
      .when({ type: 'UpdateGrant', ...target, permission: 'READ' })
      .thenNothing();
    spec
      .given()
      .when({ type: 'UpdateGrant', ...target, permission: 'READ' })
      .thenError('RESOURCE_DOES_NOT_EXIST');
  });

  it('upserts with SetGrant', () => {
    spec
      .given()
      .when({ type: 'SetGrant', ...target, permission: 'READ' })
      .then([granted]);
    spec
      .given(granted)
      .when({ type: 'SetGrant', ...target, permission: 'READ' })
      .thenNothing();
  });

  it('revokes an existing grant only', () => {
    const revoked: GrantEvent = { type: 'authz.PermissionRevoked', data: target };
    spec
      .given(granted)
      .when({ type: 'RevokeGrant', ...target })
      .then([revoked]);
    spec
      .given(granted, revoked)
      .when({ type: 'RevokeGrant', ...target })
      .thenError('RESOURCE_DOES_NOT_EXIST');
    spec
      .given(granted, revoked)
      .when({ type: 'CreateGrant', ...target, permission: 'EDIT' })
      .then([{ type: 'authz.PermissionGranted', data: { ...target, permission: 'EDIT' } }]);
  });

  it('validates the type, pattern and subject', () => {
    spec
      .given()
      .when({ type: 'SetGrant', ...target, resourcePattern: '*x', permission: 'READ' })
      .thenError('INVALID_PARAMETER_VALUE', /'\*' may only end/);
    spec
      .given()
      .when({ type: 'SetGrant', ...target, resourcePattern: 'x'.repeat(481), permission: 'READ' })
      .thenError('INVALID_PARAMETER_VALUE', /maximum length/);
    spec
      .given()
      .when({ type: 'SetGrant', ...target, resourceType: 'workspace' as never, permission: 'READ' })
      .thenError('INVALID_PARAMETER_VALUE', "Invalid resource type 'workspace'");
    spec
      .given()
      .when({ type: 'SetGrant', ...target, subject: { kind: 'group', id: '' }, permission: 'READ' })
      .thenError('INVALID_PARAMETER_VALUE');
  });

  it('names one stream per resource, within the store limit', () => {
    expect(grantStreamId('registered_model', 'm'.repeat(480)).length).toBeLessThanOrEqual(512);
  });
});
