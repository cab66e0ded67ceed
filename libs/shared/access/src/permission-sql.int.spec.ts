import { effectivePermission, Grant, PERMISSION_LEVELS, PolicyContext, Principal, rank } from '@custos/rbac';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { permissionRankSql } from './permission-sql';

class Binder {
  readonly values: unknown[] = [];
  bind(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The SQL filter used by searches must give exactly the policy's answer for every row (property test). */
describe('permissionRankSql agrees with the policy', () => {
  let db: TestDatabase;
  const ids = ['1', '12', '123', '2', '20', 'a%b', 'a_b', 'ab'];
  beforeAll(async () => {
    db = await createTestDatabase('permsql');
    await db.dataSource.query(`CREATE TABLE things (id text PRIMARY KEY, owner_id text NOT NULL)`);
    await db.dataSource.query(`INSERT INTO things SELECT unnest($1::text[]), unnest($2::text[])`, [ids, ids.map((id) => (id === '2' ? 'bob' : 'carol'))]);
  });
  afterAll(() => db.drop());

  it('for random grants, defaults and principals', async () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let trial = 0; trial < 60; trial++) {
      const grants: Grant[] = Array.from({ length: rnd(6) }, () => ({
        subject: rnd(2) ? { kind: 'principal' as const, id: ['bob', 'eve'][rnd(2)] } : { kind: 'group' as const, id: ['g1', 'g2'][rnd(2)] },
        resourceType: 'experiment' as const,
        resourcePattern: ['*', '1', '1*', '12*', '2', 'a%*', 'a_*', 'ab'][rnd(8)],
        permission: PERMISSION_LEVELS[rnd(PERMISSION_LEVELS.length)],
      }));
      const principal: Principal = { id: 'bob', kind: 'user', roles: [], groups: ['g1'] };
      const ctx: PolicyContext = { grants, defaultPermission: PERMISSION_LEVELS[rnd(PERMISSION_LEVELS.length)] };
      const p = new Binder();
      const expr = permissionRankSql(principal, ctx, 'experiment', 't.id', 't.owner_id', p);
      const rows = (await db.dataSource.query(`SELECT t.id, ${expr} AS r FROM things t ORDER BY t.id`, p.values)) as { id: string; r: number }[];
      for (const row of rows) {
        const expected = effectivePermission(principal, { type: 'experiment', id: row.id, ownerId: row.id === '2' ? 'bob' : 'carol' }, ctx).permission;
        expect({ trial, id: row.id, rank: Number(row.r) }).toEqual({ trial, id: row.id, rank: rank(expected) });
      }
    }
  });
});
