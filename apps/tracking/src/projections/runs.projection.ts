import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, RunCreated, RunDataLogged, RunDeleted, RunInputsLogged, RunOutputsLogged, RunRestored, RunTagDeleted, RunUpdated } from '@custos/events';
import { markMetricsPending, projectLoggedModelMetrics, projectMetrics } from './run-metrics.projection';

/** Inline, a run's metric history and latest values are left to the catch-up after commit (decision 023). */
export type RunMetricsMode = 'project' | 'defer';

const RUN_NAME_TAG = 'mlflow.runName';

async function upsertTags(tx: EntityManager, runId: string, tags: readonly { key: string; value: string }[]): Promise<void> {
  if (tags.length === 0) return;
  await tx.query(
    `INSERT INTO run_tags (run_id, key, value) SELECT $1, unnest($2::text[]), unnest($3::text[])
     ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value`,
    [runId, tags.map((t) => t.key), tags.map((t) => t.value)],
  );
}

/**
 * Runs, params, tags, metrics, dataset and model inputs, and model outputs. Every write is keyed so
 * that applying the same history again yields the same rows (replay is exact, never additive).
 * The time a run was deleted is when that fact was recorded (the envelope's occurredAt).
 */
export async function applyRunEvent(tx: EntityManager, e: EventEnvelope, metrics: RunMetricsMode = 'project'): Promise<void> {
  switch (e.type) {
    case RunCreated.type: {
      const d = e.data as EventData<typeof RunCreated>;
      await tx.query(
        `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, deleted_time)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, 'active', $7, NULL)`,
        [d.runId, d.experimentId, d.runName, d.userId, d.status, d.startTime, d.artifactUri],
      );
      await upsertTags(tx, d.runId, d.tags);
      return;
    }
    case RunUpdated.type: {
      const d = e.data as EventData<typeof RunUpdated>;
      await tx.query(`UPDATE runs SET status = $2, end_time = $3, name = $4 WHERE run_id = $1`, [d.runId, d.status, d.endTime, d.runName]);
      await upsertTags(tx, d.runId, [{ key: RUN_NAME_TAG, value: d.runName }]);
      return;
    }
    case RunDeleted.type: {
      const d = e.data as EventData<typeof RunDeleted>;
      await tx.query(`UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = $2 WHERE run_id = $1`, [d.runId, Date.parse(e.occurredAt)]);
      return;
    }
    case RunRestored.type: {
      const d = e.data as EventData<typeof RunRestored>;
      await tx.query(`UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_id = $1`, [d.runId]);
      return;
    }
    case RunDataLogged.type: {
      const d = e.data as EventData<typeof RunDataLogged>;
      if (d.params.length > 0) {
        // The decider sends only keys new to the run; DO NOTHING keeps a replay idempotent anyway.
        await tx.query(`INSERT INTO run_params (run_id, key, value) SELECT $1, unnest($2::text[]), unnest($3::text[]) ON CONFLICT DO NOTHING`, [
          d.runId,
          d.params.map((p) => p.key),
          d.params.map((p) => p.value),
        ]);
      }
      await upsertTags(tx, d.runId, d.tags);
      if (metrics === 'project') await projectMetrics(tx, d.runId, e.streamPosition, d.metrics);
      else if (d.metrics.length > 0) await markMetricsPending(tx, d.runId, e.streamPosition);
      // A logged model's metrics stay inline: they are rare, and its readers are not caught up.
      await projectLoggedModelMetrics(tx, d.runId, d.metrics);
      return;
    }
    case RunTagDeleted.type: {
      const d = e.data as EventData<typeof RunTagDeleted>;
      await tx.query(`DELETE FROM run_tags WHERE run_id = $1 AND key = $2`, [d.runId, d.key]);
      return;
    }
    case RunInputsLogged.type: {
      const d = e.data as EventData<typeof RunInputsLogged>;
      for (const ds of d.datasets) {
        // Stored in MLflow's wire shape: the read path returns it as is.
        const dataset = {
          name: ds.name,
          digest: ds.digest,
          source_type: ds.sourceType,
          source: ds.source,
          ...(ds.schema !== null ? { schema: ds.schema } : {}),
          ...(ds.profile !== null ? { profile: ds.profile } : {}),
        };
        await tx.query(`INSERT INTO run_inputs (run_id, dataset_name, dataset_digest, dataset, tags) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [
          d.runId,
          ds.name,
          ds.digest,
          JSON.stringify(dataset),
          JSON.stringify(ds.tags),
        ]);
      }
      if (d.models.length > 0) {
        await tx.query(`INSERT INTO run_model_inputs (run_id, model_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [d.runId, d.models.map((m) => m.modelId)]);
      }
      return;
    }
    case RunOutputsLogged.type: {
      const d = e.data as EventData<typeof RunOutputsLogged>;
      await tx.query(`INSERT INTO run_model_outputs (run_id, model_id, step) SELECT $1, unnest($2::text[]), unnest($3::bigint[]) ON CONFLICT DO NOTHING`, [
        d.runId,
        d.models.map((m) => m.modelId),
        d.models.map((m) => m.step),
      ]);
      return;
    }
  }
}
