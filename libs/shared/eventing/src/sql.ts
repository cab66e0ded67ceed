/**
 * The narrow SQL surface the event store needs. TypeORM's DataSource, EntityManager and QueryRunner
 * all satisfy it, so the same code runs inside a caller's transaction or on its own.
 */
export interface Sql {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeORM's own signature
  query(query: string, parameters?: any[]): Promise<any>;
}

export async function rows<T>(sql: Sql, query: string, params: unknown[] = []): Promise<T[]> {
  return (await sql.query(query, params)) as T[];
}

/**
 * Connection options for every service's pool: transactions here rely on READ COMMITTED, so each
 * session starts in it rather than each transaction asking for it. TypeORM sends a requested level
 * as its own statement after START TRANSACTION: a round trip per command, for PostgreSQL's default.
 */
export const PG_SESSION_OPTIONS = '-c default_transaction_isolation=read\\ committed';

/** PostgreSQL error codes we act on. */
export const PG = { uniqueViolation: '23505', serializationFailure: '40001', deadlock: '40P01' } as const;

export function pgCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
  const code = err?.driverError?.code ?? err?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgConstraint(e: unknown): string | undefined {
  const err = e as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const c = err?.driverError?.constraint ?? err?.constraint;
  return typeof c === 'string' ? c : undefined;
}

/**
 * A PostgreSQL text array literal built in one pass, for bulk statements over `unnest`: the driver
 * escapes array parameters element by element, which costs more than the statement on a
 * thousand-element batch. Texts are always quoted (null is NULL).
 */
export function pgTextArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`)).join(',')}}`;
}

/** Element type OIDs of the binary arrays below. */
const ELEMENT_OID = { int8: 20, float8: 701 } as const;

/**
 * A number array in PostgreSQL's binary array format; the driver sends a Buffer parameter as
 * binary, so the server copies each element rather than parsing its text (and this side never
 * prints it). For bulk number columns, where parsing a thousand `float8` texts costs more than the
 * rows. The statement must cast the parameter to the same type (`$n::bigint[]`, `$n::float8[]`).
 * `int8` takes safe integers; `float8` takes any number, NaN and the infinities included, and
 * stores -0 as 0, as its text form did.
 */
export function pgBinaryArray(type: keyof typeof ELEMENT_OID, values: readonly number[]): Buffer {
  const n = values.length;
  const b = Buffer.allocUnsafe(n === 0 ? 12 : 20 + n * 12);
  b.writeInt32BE(n === 0 ? 0 : 1, 0); // dimensions: an empty array has none
  b.writeInt32BE(0, 4); // no nulls
  b.writeInt32BE(ELEMENT_OID[type], 8);
  if (n === 0) return b;
  b.writeInt32BE(n, 12);
  b.writeInt32BE(1, 16); // lower bound
  let o = 20;
  for (const v of values) {
    b.writeInt32BE(8, o);
    if (type === 'float8') b.writeDoubleBE(v === 0 ? 0 : v, o + 4);
    else {
      if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe integer for int8: ${v}`);
      const high = Math.floor(v / 2 ** 32);
      b.writeInt32BE(high, o + 4);
      b.writeUInt32BE(v - high * 2 ** 32, o + 8);
    }
    o += 12;
  }
  return b;
}

/**
 * Compresses a column's new values with lz4 where the server has it (cheaper than pglz for large
 * JSON texts, written once and rarely read); on a build without lz4 the column stays pglz.
 */
export async function compressWithLz4(sql: Sql, table: string, column: string): Promise<void> {
  await sql.query(`
    DO $$ BEGIN
      ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
      RAISE NOTICE 'lz4 not available in this PostgreSQL build; ${table}.${column} stays pglz-compressed';
    END $$`);
}
