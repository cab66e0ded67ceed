import { authorize, Grant, PERMISSION_LEVELS, PLATFORM_ROLES, PolicyContext, Principal, rank, VALID_SCOPES } from '@custos/rbac';
import { seededRandom } from '@custos/rbac/testing';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { permissionRankSql } from './permission-sql';

class Binder {
  readonly values: unknown[] = [];
  bind(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * The SQL filter used by searches must give exactly the policy's answer for every row (property
 * test): the effective permission `authorize` computes, grants and default and creator, admin, and
 * the cap of a scoped key.
 */
describe('permissionRankSql agrees with the policy', () => {
  let db: TestDatabase;
  const ids = ['1', '12', '123', '2', '20', 'a%b', 'a_b', 'ab'];
  const ownerOf = (id: string) => (id === '2' ? 'bob' : 'carol');
  beforeAll(async () => {
    db = await createTestDatabase('permsql');
    await db.dataSource.query(`CREATE TABLE things (id text PRIMARY KEY, owner_id text NOT NULL)`);
    await db.dataSource.query(`INSERT INTO things SELECT unnest($1::text[]), unnest($2::text[])`, [ids, ids.map(ownerOf)]);
  });
  afterAll(() => db.drop());

  it('for random grants, defaults, principals and key scopes', async () => {
    const rnd = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)];
    let capped = 0;
    for (let trial = 0; trial < 120; trial++) {
      const grants: Grant[] = Array.from({ length: rnd(6) }, () => ({
        subject: rnd(2) ? { kind: 'principal' as const, id: pick(['bob', 'eve']) } : { kind: 'group' as const, id: pick(['g1', 'g2']) },
        resourceType: 'experiment' as const,
        resourcePattern: pick(['*', '1', '1*', '12*', '2', 'a%*', 'a_*', 'ab']),
        permission: pick(PERMISSION_LEVELS),
      }));
      // Half the trials sign in with a scoped key (some of whose scopes name other areas, or nothing valid).
      const scopes = rnd(2) ? Array.from({ length: rnd(3) }, () => pick([...VALID_SCOPES, 'mlflow:read'])) : undefined;
      const principal: Principal = { id: 'bob', kind: 'user', roles: rnd(6) ? [] : [pick(PLATFORM_ROLES)], groups: ['g1'], scopes };
      const ctx: PolicyContext = { grants, defaultPermission: pick(PERMISSION_LEVELS) };
      const p = new Binder();
      const expr = permissionRankSql(principal, ctx, 'experiment', 't.id', 't.owner_id', p);
      if (expr.includes('LEAST')) capped++;
      const rows = (await db.dataSource.query(`SELECT t.id, ${expr} AS r FROM things t ORDER BY t.id`, p.values)) as { id: string; r: number }[];
      for (const row of rows) {
        const decision = authorize(principal, { kind: 'resource', resourceType: 'experiment', permission: 'READ' }, { type: 'experiment', id: row.id, ownerId: ownerOf(row.id) }, ctx);
        expect({ trial, id: row.id, scopes, rank: Number(row.r) }).toEqual({ trial, id: row.id, scopes, rank: rank(decision.effective!) });
      }
    }
    // The cap was exercised in SQL, not only folded into constants.
    expect(capped).toBeGreaterThan(10);
  });
});
