import { Action, Actions } from './actions';
import { actsAsAdmin, authorize, authorizeScope, Decision, Grant, Principal, PolicyContext, Resource } from './authorize';
import { Permission, PERMISSION_LEVELS, PLATFORM_ROLES, rank, RESOURCE_TYPES } from './permissions';
import { seededRandom } from './seeded-random.spec-helper';
import { canonicalScopes, SCOPE_AREA_OF, scopeCap, SCOPE_LEVELS, VALID_SCOPES } from './scopes';

const user = (extra: Partial<Principal> = {}): Principal => ({ id: 'bob', kind: 'user', roles: [], groups: [], ...extra });
const ctx = (grants: Grant[] = [], defaultPermission: Permission = 'NO_PERMISSIONS'): PolicyContext => ({ grants, defaultPermission });
const NEEDS = PERMISSION_LEVELS.filter((p) => p !== 'NO_PERMISSIONS');
const min = (a: Permission, b: Permission): Permission => (rank(a) <= rank(b) ? a : b);

describe('authorize with a scoped key: min(owner, scope)', () => {
  // Every resource type × what the owner holds × the key's cap in that area × what the route needs.
  for (const type of RESOURCE_TYPES) {
    const area = SCOPE_AREA_OF[type];
    const caps: { scopes: string[] | undefined; cap: Permission }[] = [
      { scopes: undefined, cap: 'MANAGE' },
      { scopes: ['audit:read'], cap: 'NO_PERMISSIONS' },
      ...SCOPE_LEVELS.map((l) => ({ scopes: [`${area}:${l}`], cap: l.toUpperCase() as Permission })),
    ];
    for (const held of PERMISSION_LEVELS) {
      for (const { scopes, cap } of caps) {
        for (const need of NEEDS) {
          const effective = min(held, cap);
          const expected = rank(effective) >= rank(need);
          it(`${type}: holds ${held}, key ${scopes ? scopes.join(',') : 'unscoped'}, needs ${need} → ${expected ? 'allow' : 'deny'}`, () => {
            const grants: Grant[] = [{ subject: { kind: 'principal', id: 'bob' }, resourceType: type, resourcePattern: 'r1', permission: held }];
            const d = authorize(user({ scopes }), { kind: 'resource', resourceType: type, permission: need }, { type, id: 'r1' }, ctx(grants));
            expect(d.allowed).toBe(expected);
            expect(d.effective).toBe(effective);
            if (scopes && !expected && rank(held) >= rank(need))
              expect(d.reason).toMatch(cap === 'NO_PERMISSIONS' ? `key scope does not include ${area}` : `key scope caps ${area} at ${cap.toLowerCase()}`);
          });
        }
      }
    }
  }

  it("caps an admin's key: experiments:read reads anything but writes nothing, and administers nothing", () => {
    const admin = user({ id: 'root', roles: ['admin'], scopes: ['experiments:read'] });
    const exp: Resource = { type: 'experiment', id: '1' };
    expect(authorize(admin, Actions.onExperiment('READ'), exp, ctx())).toEqual({ allowed: true, effective: 'READ', reason: 'admin; key scope caps experiments at read' });
    expect(authorize(admin, Actions.onExperiment('EDIT'), exp, ctx())).toEqual({ allowed: false, effective: 'READ', reason: 'admin; key scope caps experiments at read' });
    expect(authorize(admin, Actions.onRegisteredModel('READ'), { type: 'registered_model', id: 'm' }, ctx()).allowed).toBe(false);
    expect(authorize(admin, Actions.admin(), undefined, ctx())).toEqual({ allowed: false, reason: 'key scope does not include admin (needs admin:manage)' });
    expect(authorize(admin, Actions.audit(), undefined, ctx())).toEqual({ allowed: false, reason: 'key scope does not include audit (needs audit:read)' });
    expect(authorize(admin, Actions.authenticated({ area: 'account', level: 'READ' }), undefined, ctx()).allowed).toBe(false);
    expect(actsAsAdmin(admin)).toBe(false);
  });

  it('lets admin:manage administer, and only that', () => {
    const admin = user({ id: 'root', roles: ['admin'], scopes: ['admin:manage'] });
    expect(authorize(admin, Actions.admin(), undefined, ctx()).allowed).toBe(true);
    expect(actsAsAdmin(admin)).toBe(true);
    expect(authorize(admin, Actions.onExperiment('READ'), { type: 'experiment', id: '1' }, ctx()).allowed).toBe(false);
    expect(authorize(admin, Actions.audit(), undefined, ctx()).allowed).toBe(false);
  });

  it('never adds: a scope without the role or grant gives nothing', () => {
    const bob = user({ scopes: ['admin:manage', 'audit:read', 'experiments:manage'] });
    expect(authorize(bob, Actions.admin(), undefined, ctx()).reason).toBe('requires admin');
    expect(authorize(bob, Actions.audit(), undefined, ctx()).reason).toBe('requires auditor role');
    expect(authorize(bob, Actions.onExperiment('READ'), { type: 'experiment', id: '1' }, ctx()).allowed).toBe(false);
    expect(actsAsAdmin(bob)).toBe(false);
  });

  it('lets an auditor key read audit only with audit:read', () => {
    expect(authorize(user({ roles: ['auditor'], scopes: ['audit:read'] }), Actions.audit(), undefined, ctx())).toEqual({ allowed: true, reason: 'auditor role' });
    expect(authorize(user({ roles: ['auditor'], scopes: ['experiments:manage'] }), Actions.audit(), undefined, ctx()).allowed).toBe(false);
  });

  it('checks the scope an authenticated action names, and none when it names none', () => {
    const createExperiment = Actions.authenticated({ area: 'experiments', level: 'EDIT' });
    expect(authorize(user({ scopes: ['experiments:edit'] }), createExperiment, undefined, ctx()).allowed).toBe(true);
    expect(authorize(user({ scopes: ['experiments:read'] }), createExperiment, undefined, ctx())).toEqual({ allowed: false, reason: 'key scope caps experiments at read (needs experiments:edit)' });
    expect(authorize(user({ scopes: ['audit:read'] }), Actions.authenticated(), undefined, ctx()).allowed).toBe(true);
    expect(authorize(user(), createExperiment, undefined, ctx()).allowed).toBe(true);
  });

  it('checks the scope half alone, without a resource (what the guard does before a handler loads one)', () => {
    const key = user({ scopes: ['experiments:read'] });
    expect(authorizeScope(key, Actions.onExperiment('READ'))).toEqual({ allowed: true, reason: 'within key scope' });
    expect(authorizeScope(key, Actions.onExperiment('EDIT'))).toEqual({ allowed: false, reason: 'key scope caps experiments at read (needs experiments:edit)' });
    expect(authorizeScope(key, Actions.onGatewayRoute('USE')).reason).toBe('key scope does not include gateway_routes (needs gateway_routes:use)');
    expect(authorizeScope(user(), Actions.admin()).allowed).toBe(true);
  });

  it('fails closed on an empty or unknown scope list (only unscoped credentials carry no list)', () => {
    for (const scopes of [[], ['mlflow:read']]) {
      expect(authorize(user({ scopes }), Actions.onExperiment('READ'), { type: 'experiment', id: '1', ownerId: 'bob' }, ctx()).allowed).toBe(false);
      expect(authorize(user({ scopes }), Actions.authenticated(), undefined, ctx()).allowed).toBe(true);
    }
  });
});

describe('scoped keys against the unscoped decision (property over random cases)', () => {
  const rnd = seededRandom(2024);
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)];
  const subset = <T>(xs: readonly T[], max: number): T[] => Array.from({ length: rnd(max + 1) }, () => pick(xs));
  const scopePool = [...VALID_SCOPES, 'mlflow:read', 'experiments:write'];

  const randomAction = (): Action => {
    switch (rnd(4)) {
      case 0:
        return Actions.admin();
      case 1:
        return Actions.audit();
      case 2:
        return rnd(2) ? Actions.authenticated() : Actions.authenticated({ area: pick(['experiments', 'account'] as const), level: pick(NEEDS) });
      default:
        return { kind: 'resource', resourceType: pick(RESOURCE_TYPES), permission: pick(NEEDS) };
    }
  };

  const cases = Array.from({ length: 3000 }, (_, trial) => {
    const type = pick(RESOURCE_TYPES);
    const grants: Grant[] = Array.from({ length: rnd(5) }, () => ({
      subject: rnd(2) ? { kind: 'principal' as const, id: pick(['bob', 'eve']) } : { kind: 'group' as const, id: pick(['g1', 'g2']) },
      resourceType: pick(RESOURCE_TYPES),
      resourcePattern: pick(['*', '1', '1*', '12', 'm*']),
      permission: pick(PERMISSION_LEVELS),
    }));
    const owner: Principal = user({ roles: subset(PLATFORM_ROLES, 2), groups: subset(['g1', 'g2'], 2) });
    const resource: Resource | undefined = rnd(8) ? { type, id: pick(['1', '12', '2', 'm1']), ownerId: rnd(4) ? 'carol' : 'bob' } : undefined;
    const policy = ctx(grants, pick(PERMISSION_LEVELS));
    const action = randomAction();
    const scopes = subset(scopePool, 4);
    return { trial, owner, resource, policy, action, scopes };
  });

  const decide = (c: (typeof cases)[number], scopes: readonly string[] | undefined): Decision => authorize({ ...c.owner, scopes }, c.action, c.resource, c.policy);

  it('a scoped key never exceeds the unscoped decision', () => {
    for (const c of cases) {
      const unscoped = decide(c, undefined);
      const scoped = decide(c, c.scopes);
      if (scoped.allowed) expect({ trial: c.trial, unscopedAllowed: unscoped.allowed }).toEqual({ trial: c.trial, unscopedAllowed: true });
      if (scoped.effective && unscoped.effective) expect(rank(scoped.effective)).toBeLessThanOrEqual(rank(unscoped.effective));
    }
  });

  it('the effective permission is exactly min(owner, cap) on resource actions', () => {
    for (const c of cases) {
      if (c.action.kind !== 'resource') continue;
      const unscoped = decide(c, undefined);
      const scoped = decide(c, c.scopes);
      if (unscoped.effective === undefined) {
        expect({ trial: c.trial, effective: scoped.effective }).toEqual({ trial: c.trial, effective: undefined });
        continue;
      }
      const cap = scopeCap(c.scopes, SCOPE_AREA_OF[c.action.resourceType]);
      expect({ trial: c.trial, effective: scoped.effective }).toEqual({ trial: c.trial, effective: min(unscoped.effective, cap) });
    }
  });

  it('every scope at its strongest level is the same as no scopes', () => {
    const all = canonicalScopes(VALID_SCOPES);
    for (const c of cases) expect({ trial: c.trial, d: decide(c, all) }).toEqual({ trial: c.trial, d: decide(c, undefined) });
  });

  it('adding a scope never takes a permission away, and order does not matter', () => {
    for (const c of cases) {
      const before = decide(c, c.scopes);
      const after = decide(c, [...c.scopes, pick(VALID_SCOPES)]);
      if (before.allowed) expect({ trial: c.trial, allowed: after.allowed }).toEqual({ trial: c.trial, allowed: true });
      expect(decide(c, [...c.scopes].reverse())).toEqual(before);
    }
  });
});
