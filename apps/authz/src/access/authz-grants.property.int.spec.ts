import { eventCatalog, EventEnvelope, uuidv7 } from '@custos/events';
import { AccessGrants1732000001000, AccessProjectionHandler, GrantsPolicyLoader } from '@custos/access';
import { Grant, PolicyContext, Principal } from '@custos/rbac';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { authzService } from '../app.module';
import { AuthzProjection } from '../projections/authz.projection';
import { AuthzAccess } from './authz-access.service';

/** A small seeded generator: a failure names its seed and replays exactly. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  return { next, pick };
}

const PERMISSIONS = ['NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE'] as const;
const TYPES = ['experiment', 'registered_model', 'gateway_route'] as const;
const PATTERNS = ['1', '2', '1*', '*', 'model-a'];
const PRINCIPALS = ['ann', 'bob', 'cy'];
const GROUPS = ['g1', 'g2'];
const ROLES = ['r1', 'r2'];

/** A role names each resource pattern once: authz keys a role's permissions by (role, type, pattern). */
function distinct<T extends { resourceType: string; resourcePattern: string }>(grants: T[]): T[] {
  return grants.filter((g, i) => grants.findIndex((o) => o.resourceType === g.resourceType && o.resourcePattern === g.resourcePattern) === i);
}

/** A random access history of the kinds authz writes (grants, roles, assignments, deletions, the default). */
function history(seed: number, length: number): EventEnvelope[] {
  const { next, pick } = generator(seed);
  const subject = () => (next() < 0.6 ? { kind: 'principal', id: pick(PRINCIPALS) } : { kind: 'group', id: pick(GROUPS) });
  const spec = () => ({ resourceType: pick(TYPES), resourcePattern: pick(PATTERNS), permission: pick(PERMISSIONS) });
  const events: EventEnvelope[] = [];
  for (let i = 0; i < length; i++) {
    const r = next();
    const [type, data]: [string, unknown] =
      r < 0.3
        ? ['authz.PermissionGranted', { subject: subject(), ...spec() }]
        : r < 0.4
          ? ['authz.PermissionRevoked', { subject: subject(), resourceType: pick(TYPES), resourcePattern: pick(PATTERNS) }]
          : r < 0.55
            ? ['authz.RoleDefined', { roleId: pick(ROLES), name: `role-${i}`, grants: distinct(Array.from({ length: Math.floor(next() * 3) }, spec)) }]
            : r < 0.6
              ? ['authz.RoleDeleted', { roleId: pick(ROLES) }]
              : r < 0.8
                ? ['authz.RoleAssigned', { roleId: pick(ROLES), subject: subject() }]
                : r < 0.88
                  ? ['authz.RoleUnassigned', { roleId: pick(ROLES), subject: subject() }]
                  : r < 0.94
                    ? ['authz.UserDeleted', { userId: pick(PRINCIPALS) }]
                    : ['authz.DefaultPermissionSet', { permission: pick(PERMISSIONS) }];
    // Through the catalog, so every generated event is one authz could have written.
    events.push(
      eventCatalog.parse({
        id: uuidv7(),
        type,
        schemaVersion: 1,
        source: 'authz',
        streamId: `access-${seed}`,
        streamPosition: i,
        occurredAt: new Date(1_700_000_000_000 + i).toISOString(),
        data,
        metadata: { correlationId: `property-${seed}`, actor: { type: 'system', id: 'test' } },
      }),
    );
  }
  return events;
}

const key = (g: Grant) => `${g.subject.kind}:${g.subject.id}|${g.resourceType}|${g.resourcePattern}|${g.permission}`;
const normal = (ctx: PolicyContext) => ({ defaultPermission: ctx.defaultPermission, grants: ctx.grants.map(key).sort() });

/**
 * Authz answers "may this caller change this resource's permissions" from its own read models and
 * query (read-your-writes for its own commands); every other service answers from the access
 * projection of the same events and the shared loader. The two must load the same grants and the
 * same default for any history, or authz and the services would disagree about one caller.
 */
describe("authz's grants query agrees with the services' shared loader (property)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('authzgrants', [...authzService.migrations, AccessGrants1732000001000]);
  });
  afterAll(() => db.drop());

  it('for random access histories, every principal loads the same grants and default permission', async () => {
    const config = { DEFAULT_PERMISSION: 'READ' as const };
    const authz = new AuthzAccess(db.dataSource, config);
    const shared = new GrantsPolicyLoader(db.dataSource, config);
    const authzProjection = new AuthzProjection();
    const services = new AccessProjectionHandler();
    const principals: Principal[] = [...PRINCIPALS.map((id, i) => ({ id, kind: 'user' as const, roles: [], groups: GROUPS.slice(0, i) })), { id: 'nobody', kind: 'user', roles: [], groups: ['g2'] }];
    for (let seed = 1; seed <= 40; seed++) {
      await db.dataSource.query(`TRUNCATE grants, roles, role_permissions, role_assignments, authz_settings, access_grants, access_roles, access_role_assignments, access_settings`);
      await db.dataSource.transaction(async (tx) => {
        for (const e of history(seed, 25)) {
          await authzProjection.apply(tx, e);
          await services.handle(e, tx);
        }
      });
      for (const p of principals) {
        const [mine, theirs] = [normal(await authz.policyFor(p)), normal(await shared.load(p))];
        expect({ seed, principal: p.id, ...mine }).toEqual({ seed, principal: p.id, ...theirs });
      }
    }
  });
});
