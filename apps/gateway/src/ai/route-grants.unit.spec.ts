import { authorize, Actions, Principal } from '@custos/rbac';
import { RouteGrants } from './route-grants';

const user = (over: Partial<Principal> = {}): Principal => ({ id: 'u1', kind: 'user', roles: [], groups: ['ml'], ...over });
const route = (id: string, ownerId = 'admin') => ({ type: 'gateway_route' as const, id, ownerId });

describe('gateway_route grants in memory', () => {
  const grants = new RouteGrants(
    [
      { subjectKind: 'principal', subjectId: 'u1', resourcePattern: 'chat', permission: 'USE' },
      { subjectKind: 'group', subjectId: 'ml', resourcePattern: 'emb-*', permission: 'EDIT' },
      { subjectKind: 'principal', subjectId: 'u2', resourcePattern: '*', permission: 'MANAGE' },
      { subjectKind: 'principal', subjectId: 'u1', resourcePattern: 'x', permission: 'NOT_A_LEVEL' },
    ],
    'NO_PERMISSIONS',
  );
  const effective = (p: Principal, id: string, ownerId?: string) => authorize(p, Actions.onGatewayRoute('USE'), route(id, ownerId), grants.contextFor(p)).effective;

  it('finds direct and group grants, and nobody else’s', () => {
    expect(effective(user(), 'chat')).toBe('USE');
    expect(effective(user(), 'emb-large')).toBe('EDIT');
    expect(effective(user(), 'other')).toBe('NO_PERMISSIONS');
    expect(effective(user({ groups: [] }), 'emb-large')).toBe('NO_PERMISSIONS');
  });

  it('the creator holds MANAGE; admins all; a scoped key caps both', () => {
    expect(effective(user(), 'mine', 'u1')).toBe('MANAGE');
    expect(effective(user({ id: 'a', roles: ['admin'] }), 'anything')).toBe('MANAGE');
    expect(effective(user({ scopes: ['gateway_routes:use'] }), 'mine', 'u1')).toBe('USE');
    expect(effective(user({ scopes: ['experiments:read'] }), 'chat')).toBe('NO_PERMISSIONS');
  });

  it('falls back to the default permission', () => {
    const open = new RouteGrants([], 'USE');
    expect(authorize(user(), Actions.onGatewayRoute('USE'), route('chat'), open.contextFor(user())).allowed).toBe(true);
  });
});
