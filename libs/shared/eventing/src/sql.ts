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
 * PostgreSQL array literals built in one pass, for bulk statements over `unnest`: the driver
 * escapes array parameters element by element, which costs more than the statement on a
 * thousand-element batch. Texts are always quoted (null is NULL); numbers go as JavaScript prints
 * them (`NaN`, `Infinity` and exponents included, all of which float8 reads).
 */
export function pgTextArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`)).join(',')}}`;
}

export function pgNumberArray(values: readonly (number | 'NaN' | 'Infinity' | '-Infinity')[]): string {
  return `{${values.join(',')}}`;
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
