import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, ExperimentCreated, ExperimentRenamed, ExperimentTagDeleted, ExperimentTagSet } from '@custos/events';

const ms = (iso: string) => Date.parse(iso);

/** Experiments read model. Times come from the envelope: when the fact was recorded. */
export async function applyExperimentEvent(tx: EntityManager, e: EventEnvelope): Promise<void> {
  const at = ms(e.occurredAt);
  switch (e.type) {
    case ExperimentCreated.type: {
      const d = e.data as EventData<typeof ExperimentCreated>;
      await tx.query(
        `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, owner_id)
         VALUES ($1, $2, $3, 'active', $4, $4, $5)`,
        [d.experimentId, d.name, d.artifactLocation, at, e.metadata.actor.id],
      );
      if (d.tags.length > 0) {
        await tx.query(`INSERT INTO experiment_tags (experiment_id, key, value) SELECT $1, unnest($2::text[]), unnest($3::text[])`, [
          d.experimentId,
          d.tags.map((t) => t.key),
          d.tags.map((t) => t.value),
        ]);
      }
      return;
    }
    case ExperimentRenamed.type: {
      const d = e.data as EventData<typeof ExperimentRenamed>;
      await tx.query(`UPDATE experiments SET name = $2, last_update_time = $3 WHERE experiment_id = $1`, [d.experimentId, d.name, at]);
      return;
    }
    case 'tracking.ExperimentDeleted':
    case 'tracking.ExperimentRestored': {
      const { experimentId } = e.data as { experimentId: string };
      const stage = e.type === 'tracking.ExperimentDeleted' ? 'deleted' : 'active';
      await tx.query(`UPDATE experiments SET lifecycle_stage = $2, last_update_time = $3 WHERE experiment_id = $1`, [experimentId, stage, at]);
      return;
    }
    case ExperimentTagSet.type: {
      const d = e.data as EventData<typeof ExperimentTagSet>;
      await tx.query(`INSERT INTO experiment_tags (experiment_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (experiment_id, key) DO UPDATE SET value = EXCLUDED.value`, [
        d.experimentId,
        d.key,
        d.value,
      ]);
      return;
    }
    case ExperimentTagDeleted.type: {
      const d = e.data as EventData<typeof ExperimentTagDeleted>;
      await tx.query(`DELETE FROM experiment_tags WHERE experiment_id = $1 AND key = $2`, [d.experimentId, d.key]);
      return;
    }
  }
}
