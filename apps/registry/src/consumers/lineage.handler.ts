import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, ExperimentCreated } from '@custos/events';
import { consumedBy } from '@custos/eventing';

/** Keeps the registry's local view of tracking: no service reads another's tables or calls its API. */
@Controller()
export class LineageHandler {
  @EventPattern(ExperimentCreated.type, consumedBy('lineage'))
  async experimentCreated(@Payload() event: EventEnvelope, @Ctx() tx: EntityManager): Promise<void> {
    const d = event.data as EventData<typeof ExperimentCreated>;
    await tx.query(`INSERT INTO lineage_experiments (experiment_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (experiment_id) DO UPDATE SET name = EXCLUDED.name`, [
      d.experimentId,
      d.name,
      event.occurredAt,
    ]);
  }
}
