import { createTestDatabase, TestDatabase } from '@custos/testing';
import { DataSource } from 'typeorm';
import { PG_SESSION_OPTIONS, pgBinaryArray, pgTextArray } from './sql';

describe('array parameters on real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sql-arrays');
  });
  afterAll(() => db.drop());

  it('reads back every text as written: spaces, separators, quotes, backslashes, braces, unicode, empty, and null', async () => {
    const texts = ['plain', 'with space', 'a,b', 'say "hi"', 'back\\slash', '{braces}', 'NULL', null, '', 'ünï ☃ 😀', ' lead/trail: '];
    const [{ back }] = (await db.dataSource.query(`SELECT $1::text[] AS back`, [pgTextArray(texts)])) as { back: string[] }[];
    expect(back).toEqual(texts);
  });

  it('reads back binary arrays exactly: doubles with NaN, the infinities and -0, and bigints of either sign', async () => {
    const doubles = [0, -0, -0.5, 1e-7, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -123456789.125, NaN, Infinity, -Infinity];
    const ints = [0, 1, -1, -3, 2 ** 32, -(2 ** 32) - 1, 9007199254740991, -9007199254740991, 1732000000123];
    const [row] = (await db.dataSource.query(`SELECT $1::float8[] AS d, $2::bigint[]::text[] AS b, $3::float8[] AS empty, cardinality($4::bigint[]) AS n`, [
      pgBinaryArray('float8', doubles),
      pgBinaryArray('int8', ints),
      pgBinaryArray('float8', []),
      pgBinaryArray('int8', []),
    ])) as { d: number[]; b: string[]; empty: number[]; n: number }[];
    expect(row.d).toEqual(doubles.map((v) => (v === 0 ? 0 : v)));
    expect(Object.is(row.d[1], 0)).toBe(true);
    expect(row.b).toEqual(ints.map(String));
    expect(row.empty).toEqual([]);
    expect(row.n).toBe(0);
  });

  it('refuses an int8 element that is not a safe integer', () => {
    expect(() => pgBinaryArray('int8', [1.5])).toThrow(RangeError);
    expect(() => pgBinaryArray('int8', [2 ** 53])).toThrow(RangeError);
  });
});

describe('session options on real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sql-session');
  });
  afterAll(() => db.drop());

  it('starts every transaction at READ COMMITTED without asking, even where the server default is stricter', async () => {
    await db.dataSource.query(`ALTER DATABASE "${db.name}" SET default_transaction_isolation = 'serializable'`);
    const level = async (options?: string) => {
      const ds = new DataSource({ type: 'postgres', url: db.url, extra: { max: 1, ...(options ? { options } : {}) } });
      await ds.initialize();
      try {
        return await ds.transaction(async (tx) => ((await tx.query(`SHOW transaction_isolation`)) as { transaction_isolation: string }[])[0].transaction_isolation);
      } finally {
        await ds.destroy();
      }
    };
    expect(await level()).toBe('serializable');
    expect(await level(PG_SESSION_OPTIONS)).toBe('read committed');
  });
});
