import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, ExperimentCreated } from '@custos/events';
import { EventHandlerService } from '@custos/platform';

/** Keeps the registry's local view of tracking: no service reads another's tables or calls its API. */
@Injectable()
export class LineageHandler implements EventHandlerService {
  async handle(event: EventEnvelope, tx: EntityManager): Promise<void> {
    if (event.type === ExperimentCreated.type) {
      const d = event.data as EventData<typeof ExperimentCreated>;
      await tx.query(
        `INSERT INTO lineage_experiments (experiment_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (experiment_id) DO UPDATE SET name = EXCLUDED.name`,
        [d.experimentId, d.name, event.occurredAt],
      );
    }
  }
}
