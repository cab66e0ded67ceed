import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, ExperimentCreated, RegisteredModelCreated } from '@custos/events';
import { consumedBy } from '@custos/eventing';

/**
 * Who created each experiment and registered model, from tracking's and registry's events (the
 * actor of the creating event). Creators hold MANAGE on what they create, so they may change its
 * permissions here without an explicit grant. An access enforcer (decision 031): the creating
 * request answers once this consumer has applied its event, so the creator's next call is allowed.
 */
@Controller()
export class ResourceOwnersHandler {
  @EventPattern([ExperimentCreated.type, RegisteredModelCreated.type], consumedBy('resource-owners'))
  async handle(@Payload() event: EventEnvelope, @Ctx() tx: EntityManager): Promise<void> {
    if (event.type === ExperimentCreated.type) {
      const d = event.data as EventData<typeof ExperimentCreated>;
      await this.record(tx, 'experiment', d.experimentId, event.metadata.actor.id);
    } else if (event.type === RegisteredModelCreated.type) {
      const d = event.data as EventData<typeof RegisteredModelCreated>;
      await this.record(tx, 'registered_model', d.name, event.metadata.actor.id);
    }
  }

  private async record(tx: EntityManager, type: string, id: string, ownerId: string): Promise<void> {
    // The first creation wins: a redelivered or replayed event never changes the owner.
    await tx.query(`INSERT INTO resource_owners (resource_type, resource_id, owner_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [type, id, ownerId]);
  }
}
