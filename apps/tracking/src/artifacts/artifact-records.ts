import { rows, Sql } from '@custos/eventing';

/** One stored artifact: where its ciphertext lives and the wrapped key that opens it. */
export interface ArtifactRecord {
  path: string;
  experiment_id: string;
  run_id: string | null;
  model_id: string | null;
  object_id: string;
  object_key: string;
  size: string;
  stored_size: string;
  content_type: string;
  key_id: string;
  wrapped_key: Buffer;
  created_by: string;
}

export interface ChildEntry {
  name: string;
  is_dir: boolean;
  size: string | null;
}

/** What a chunk's identity binds: the storage object and the artifact path it was written for. */
export function objectIdentity(r: Pick<ArtifactRecord, 'object_id' | 'path'>): string[] {
  return [r.object_id, r.path];
}

/**
 * Everything strictly below `dir`, as a key range: with "C" collation the paths starting with
 * `dir/` are exactly those in (`dir/`, `dir0`), since '0' follows '/'. Index-friendly, and no LIKE
 * escaping of user-supplied names.
 */
function below(dir: string): [string, string] {
  return [`${dir}/`, `${dir}0`];
}

export async function findArtifact(sql: Sql, path: string, lock = false): Promise<ArtifactRecord | undefined> {
  const [r] = await rows<ArtifactRecord>(sql, `SELECT * FROM artifacts WHERE path = $1${lock ? ' FOR UPDATE' : ''}`, [path]);
  return r;
}

export async function hasDescendants(sql: Sql, dir: string): Promise<boolean> {
  const [lo, hi] = below(dir);
  const found = await rows(sql, `SELECT 1 FROM artifacts WHERE path > $1 AND path < $2 LIMIT 1`, [lo, hi]);
  return found.length > 0;
}

/** The immediate children of `dir`: files with their size, and directories (implied by deeper paths). */
export async function listChildren(sql: Sql, dir: string): Promise<ChildEntry[]> {
  const [lo, hi] = below(dir);
  return rows<ChildEntry>(
    sql,
    `SELECT name, is_dir, CASE WHEN is_dir THEN NULL ELSE max(size) END AS size
       FROM (SELECT split_part(rest, '/', 1) AS name, strpos(rest, '/') > 0 AS is_dir, size
               FROM (SELECT substr(path, char_length($1::text) + 1) AS rest, size FROM artifacts WHERE path > $1 AND path < $2) r) c
      GROUP BY name, is_dir ORDER BY name, is_dir`,
    [lo, hi],
  );
}

export async function upsertArtifact(sql: Sql, r: ArtifactRecord): Promise<void> {
  await sql.query(
    `INSERT INTO artifacts (path, experiment_id, run_id, model_id, object_id, object_key, size, stored_size, content_type, key_id, wrapped_key, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (path) DO UPDATE SET object_id = EXCLUDED.object_id, object_key = EXCLUDED.object_key, size = EXCLUDED.size,
       stored_size = EXCLUDED.stored_size, content_type = EXCLUDED.content_type, key_id = EXCLUDED.key_id,
       wrapped_key = EXCLUDED.wrapped_key, created_by = EXCLUDED.created_by, created_at = now()`,
    [r.path, r.experiment_id, r.run_id, r.model_id, r.object_id, r.object_key, r.size, r.stored_size, r.content_type, r.key_id, r.wrapped_key, r.created_by],
  );
}

/** Deletes `path` itself and everything below it, a batch at a time; returns what was deleted. */
export async function deleteArtifacts(sql: Sql, path: string, limit: number): Promise<Pick<ArtifactRecord, 'path' | 'size' | 'object_key'>[]> {
  const [lo, hi] = below(path);
  return rows(
    sql,
    // Wrapped in a CTE so the statement answers rows like a SELECT (a bare DELETE answers a count too).
    `WITH deleted AS (
       DELETE FROM artifacts WHERE path IN (
         SELECT path FROM artifacts WHERE path = $1 OR (path > $2 AND path < $3) ORDER BY path LIMIT $4 FOR UPDATE)
       RETURNING path, size, object_key)
     SELECT * FROM deleted`,
    [path, lo, hi, limit],
  );
}

/** Objects to delete from the bucket once `delaySeconds` have passed. */
export async function scheduleObjectDeletion(sql: Sql, objectKeys: string[], delaySeconds = 0): Promise<void> {
  if (objectKeys.length === 0) return;
  await sql.query(
    `INSERT INTO artifact_object_gc (object_key, not_before) SELECT k, now() + make_interval(secs => $2) FROM unnest($1::text[]) AS k
     ON CONFLICT (object_key) DO UPDATE SET not_before = EXCLUDED.not_before`,
    [objectKeys, delaySeconds],
  );
}

export async function unscheduleObjectDeletion(sql: Sql, objectKeys: string[]): Promise<void> {
  await sql.query(`DELETE FROM artifact_object_gc WHERE object_key = ANY($1::text[])`, [objectKeys]);
}

export async function dueObjectDeletions(sql: Sql, limit: number): Promise<string[]> {
  const due = await rows<{ object_key: string }>(sql, `SELECT object_key FROM artifact_object_gc WHERE not_before <= now() ORDER BY not_before LIMIT $1`, [limit]);
  return due.map((r) => r.object_key);
}
