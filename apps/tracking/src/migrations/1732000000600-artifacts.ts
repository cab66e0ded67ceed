import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Artifact records: what each proxied artifact path holds and the key material to read it. This
 * is write-side state, not a projection: wrapped data keys never travel in events, so the table
 * cannot be rebuilt from the store and `rebuild-projections` leaves it alone. See
 * docs/decisions/010-artifact-key-wrapping.md.
 */
export class Artifacts1732000000600 implements MigrationInterface {
  name = 'Artifacts1732000000600';

  async up(q: QueryRunner): Promise<void> {
    // "C" collation: byte order like S3 listings, and `path LIKE 'prefix%'` uses the primary key.
    await q.query(`
      CREATE TABLE artifacts (
        path text COLLATE "C" PRIMARY KEY,
        experiment_id text NOT NULL,
        run_id text,
        model_id text,
        object_id uuid NOT NULL UNIQUE,
        object_key text NOT NULL,
        size bigint NOT NULL,
        stored_size bigint NOT NULL,
        content_type text NOT NULL,
        key_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        CONSTRAINT artifacts_one_owner CHECK ((run_id IS NULL) <> (model_id IS NULL))
      )`);
    // Rotation walks the records still wrapped under a retired key.
    await q.query(`CREATE INDEX artifacts_key_id ON artifacts (key_id)`);
    // Objects to delete from the bucket: replaced or deleted artifacts at once, uploads that never
    // committed (a crash mid-upload) once `not_before` has passed.
    await q.query(`CREATE TABLE artifact_object_gc (object_key text PRIMARY KEY, not_before timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE artifact_object_gc, artifacts`);
  }
}
