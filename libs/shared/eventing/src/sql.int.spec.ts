import { createTestDatabase, TestDatabase } from '@custos/testing';
import { DataSource } from 'typeorm';
import { PG_SESSION_OPTIONS, pgNumberArray, pgTextArray } from './sql';

describe('array literals on real PostgreSQL', () => {
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

  it('reads back doubles exactly, NaN and the infinities included, and whole numbers as bigint', async () => {
    const doubles = [0, -0.5, 1e-7, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -123456789.125, 'NaN', 'Infinity', '-Infinity'] as const;
    const [{ d, b }] = (await db.dataSource.query(`SELECT $1::float8[] AS d, $2::bigint[]::text[] AS b`, [
      pgNumberArray(doubles),
      pgNumberArray([0, -3, 9007199254740991]),
    ])) as { d: number[]; b: string[] }[];
    expect(d).toEqual(doubles.map(Number));
    expect(b).toEqual(['0', '-3', '9007199254740991']);
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
