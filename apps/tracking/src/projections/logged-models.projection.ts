import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, LoggedModelCreated, LoggedModelDeleted, LoggedModelFinalized, LoggedModelParamsLogged, LoggedModelTagDeleted, LoggedModelTagSet } from '@custos/events';

type KV = readonly { key: string; value: string }[];

async function upsertTags(tx: EntityManager, modelId: string, tags: KV): Promise<void> {
  if (tags.length === 0) return;
  await tx.query(
    `INSERT INTO logged_model_tags (model_id, key, value) SELECT $1, unnest($2::text[]), unnest($3::text[])
     ON CONFLICT (model_id, key) DO UPDATE SET value = EXCLUDED.value`,
    [modelId, tags.map((t) => t.key), tags.map((t) => t.value)],
  );
}

async function insertParams(tx: EntityManager, modelId: string, params: KV): Promise<void> {
  if (params.length === 0) return;
  await tx.query(`INSERT INTO logged_model_params (model_id, key, value) SELECT $1, unnest($2::text[]), unnest($3::text[]) ON CONFLICT DO NOTHING`, [
    modelId,
    params.map((p) => p.key),
    params.map((p) => p.value),
  ]);
}

/**
 * MLflow 3 logged models. As in MLflow, finalizing and deleting move `last_updated_timestamp_ms`;
 * tags and params do not. Times are when the fact was recorded.
 */
export async function applyLoggedModelEvent(tx: EntityManager, e: EventEnvelope): Promise<void> {
  const at = Date.parse(e.occurredAt);
  switch (e.type) {
    case LoggedModelCreated.type: {
      const d = e.data as EventData<typeof LoggedModelCreated>;
      await tx.query(
        `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id, creator_id)
         VALUES ($1, $2, $3, $4, $5, $5, 'PENDING', 'active', $6, $7, $8)`,
        [d.modelId, d.experimentId, d.name, d.artifactLocation, at, d.modelType, d.sourceRunId, e.metadata.actor.id],
      );
      await upsertTags(tx, d.modelId, d.tags);
      await insertParams(tx, d.modelId, d.params);
      return;
    }
    case LoggedModelFinalized.type: {
      const d = e.data as EventData<typeof LoggedModelFinalized>;
      await tx.query(`UPDATE logged_models SET status = $2, last_updated_timestamp_ms = $3 WHERE model_id = $1`, [d.modelId, d.status, at]);
      return;
    }
    case LoggedModelDeleted.type: {
      const d = e.data as EventData<typeof LoggedModelDeleted>;
      await tx.query(`UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = $2 WHERE model_id = $1`, [d.modelId, at]);
      return;
    }
    case LoggedModelTagSet.type: {
      const d = e.data as EventData<typeof LoggedModelTagSet>;
      await upsertTags(tx, d.modelId, d.tags);
      return;
    }
    case LoggedModelTagDeleted.type: {
      const d = e.data as EventData<typeof LoggedModelTagDeleted>;
      await tx.query(`DELETE FROM logged_model_tags WHERE model_id = $1 AND key = $2`, [d.modelId, d.key]);
      return;
    }
    case LoggedModelParamsLogged.type: {
      const d = e.data as EventData<typeof LoggedModelParamsLogged>;
      await insertParams(tx, d.modelId, d.params);
      return;
    }
  }
}
