import { Actions } from './actions';
import { authorize, Grant, patternSpecificity, Principal, PolicyContext } from './authorize';
import { Permission, PERMISSION_LEVELS, RESOURCE_TYPES, ResourceType } from './permissions';
import { seededRandom } from './seeded-random.spec-helper';

const user = (id: string, extra: Partial<Principal> = {}): Principal => ({ id, kind: 'user', roles: [], groups: [], ...extra });
const ctx = (grants: Grant[] = [], defaultPermission: Permission = 'NO_PERMISSIONS'): PolicyContext => ({ grants, defaultPermission });
const grant = (id: string, resourceType: ResourceType, resourcePattern: string, permission: Permission, kind: 'principal' | 'group' = 'principal'): Grant => ({
  subject: { kind, id },
  resourceType,
  resourcePattern,
  permission,
});
const onResource = (type: ResourceType, permission: Permission) => ({ kind: 'resource' as const, resourceType: type, permission });

describe('authorize', () => {
  // Every held level against every required level, on every resource type.
  for (const type of RESOURCE_TYPES) {
    for (const held of PERMISSION_LEVELS) {
      for (const need of PERMISSION_LEVELS.filter((p) => p !== 'NO_PERMISSIONS')) {
        const expected = PERMISSION_LEVELS.indexOf(held) >= PERMISSION_LEVELS.indexOf(need);
        it(`${type}: holding ${held} ${expected ? 'allows' : 'denies'} ${need}`, () => {
          const d = authorize(user('bob'), onResource(type, need), { type, id: 'r1' }, ctx([grant('bob', type, 'r1', held)]));
          expect(d.allowed).toBe(expected);
          expect(d.effective).toBe(held);
        });
      }
    }
  }

  it('falls back to the default permission when no grant matches', () => {
    const r = { type: 'experiment' as const, id: '7' };
    expect(authorize(user('bob'), Actions.onExperiment('READ'), r, ctx([], 'READ')).allowed).toBe(true);
    expect(authorize(user('bob'), Actions.onExperiment('EDIT'), r, ctx([], 'READ')).allowed).toBe(false);
    expect(authorize(user('bob'), Actions.onExperiment('READ'), r, ctx([], 'NO_PERMISSIONS')).allowed).toBe(false);
  });

  it('gives creators MANAGE on what they created', () => {
    const d = authorize(user('alice'), Actions.onExperiment('MANAGE'), { type: 'experiment', id: '1', ownerId: 'alice' }, ctx());
    expect(d).toMatchObject({ allowed: true, effective: 'MANAGE' });
  });

  it('lets an explicit NO_PERMISSIONS on the exact resource override a wildcard grant', () => {
    const g = [grant('bob', 'experiment', '*', 'EDIT'), grant('bob', 'experiment', '9', 'NO_PERMISSIONS')];
    expect(authorize(user('bob'), Actions.onExperiment('READ'), { type: 'experiment', id: '9' }, ctx(g)).allowed).toBe(false);
    expect(authorize(user('bob'), Actions.onExperiment('EDIT'), { type: 'experiment', id: '8' }, ctx(g)).allowed).toBe(true);
  });

  it('applies group grants and ignores grants of other types and other principals', () => {
    const g = [grant('ml-team', 'registered_model', 'prod-*', 'EDIT', 'group'), grant('carol', 'registered_model', '*', 'MANAGE'), grant('bob', 'experiment', '*', 'MANAGE')];
    const bob = user('bob', { groups: ['ml-team'] });
    expect(authorize(bob, Actions.onRegisteredModel('EDIT'), { type: 'registered_model', id: 'prod-fraud' }, ctx(g)).allowed).toBe(true);
    expect(authorize(bob, Actions.onRegisteredModel('READ'), { type: 'registered_model', id: 'dev-fraud' }, ctx(g)).allowed).toBe(false);
  });

  it('admins may do everything; only admins may administer', () => {
    const admin = user('root', { roles: ['admin'] });
    expect(authorize(admin, Actions.admin(), undefined, ctx()).allowed).toBe(true);
    expect(authorize(admin, Actions.onExperiment('MANAGE'), { type: 'experiment', id: '1' }, ctx()).allowed).toBe(true);
    expect(authorize(admin, Actions.audit(), undefined, ctx()).allowed).toBe(true);
    expect(authorize(user('bob'), Actions.admin(), undefined, ctx([], 'MANAGE')).allowed).toBe(false);
  });

  it('auditors read audit and gain nothing else from the role', () => {
    const auditor = user('eve', { roles: ['auditor'] });
    expect(authorize(auditor, Actions.audit(), undefined, ctx()).allowed).toBe(true);
    expect(authorize(auditor, Actions.onExperiment('READ'), { type: 'experiment', id: '1' }, ctx()).allowed).toBe(false);
    expect(authorize(auditor, Actions.admin(), undefined, ctx()).allowed).toBe(false);
    expect(authorize(user('bob'), Actions.audit(), undefined, ctx([], 'MANAGE')).allowed).toBe(false);
  });

  it('denies anonymous principals everything', () => {
    const anon: Principal = { id: 'anonymous', kind: 'anonymous', roles: [], groups: [] };
    for (const a of [Actions.authenticated(), Actions.audit(), Actions.onExperiment('READ')]) {
      expect(authorize(anon, a, { type: 'experiment', id: '1' }, ctx([], 'MANAGE')).allowed).toBe(false);
    }
  });

  it('denies a resource action without a resource or with a resource of another type', () => {
    expect(authorize(user('bob'), Actions.onExperiment('READ'), undefined, ctx([], 'MANAGE')).allowed).toBe(false);
    expect(authorize(user('bob'), Actions.onExperiment('READ'), { type: 'registered_model', id: 'm' }, ctx([], 'MANAGE')).allowed).toBe(false);
  });

  it('is deterministic whatever the order of grants (property over shuffles)', () => {
    const levels = PERMISSION_LEVELS;
    const rnd = seededRandom(42);
    for (let trial = 0; trial < 200; trial++) {
      const grants: Grant[] = Array.from({ length: 1 + rnd(6) }, () =>
        grant(['bob', 'g1', 'carol'][rnd(3)], 'experiment', ['*', '1', '1*', '12', '2*'][rnd(5)], levels[rnd(levels.length)], rnd(2) ? 'principal' : 'group'),
      );
      const p = user('bob', { groups: ['g1'] });
      const r = { type: 'experiment' as const, id: ['1', '12', '2', '3'][rnd(4)] };
      const def = levels[rnd(levels.length)];
      const a = authorize(p, Actions.onExperiment('EDIT'), r, ctx(grants, def));
      const b = authorize(p, Actions.onExperiment('EDIT'), r, ctx([...grants].reverse(), def));
      expect(b).toEqual(a);
      // Adding a weaker wildcard grant never changes the decision when a more specific one exists.
      if (grants.some((g) => g.subject.kind === 'principal' && g.subject.id === 'bob' && g.resourcePattern === r.id)) {
        const c = authorize(p, Actions.onExperiment('EDIT'), r, ctx([...grants, grant('bob', 'experiment', '*', 'MANAGE')], def));
        expect(c.effective).toBe(a.effective);
      }
    }
  });

  it('orders pattern specificity: exact > longer prefix > shorter prefix > none', () => {
    expect(patternSpecificity('abc', 'abc')).toBeGreaterThan(patternSpecificity('ab*', 'abc'));
    expect(patternSpecificity('ab*', 'abc')).toBeGreaterThan(patternSpecificity('*', 'abc'));
    expect(patternSpecificity('x*', 'abc')).toBe(-1);
    expect(patternSpecificity('ab', 'abc')).toBe(-1);
  });
});
