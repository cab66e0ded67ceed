import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { AiEndpointCreated, AiEndpointDeleted, EventData, EventEnvelope, ExperimentCreated, RegisteredModelCreated } from '@custos/events';
import { consumedBy } from '@custos/eventing';

/**
 * Who created each experiment, registered model and AI endpoint (`gateway_route`, by name), from
 * tracking's, registry's and the gateway's events (the actor of the creating event). Creators hold MANAGE on what they create, so they may change its
 * permissions here without an explicit grant. An access enforcer (decision 031): the creating
 * request answers once this consumer has applied its event, so the creator's next call is allowed.
 */
@Controller()
export class ResourceOwnersHandler {
  @EventPattern([ExperimentCreated.type, RegisteredModelCreated.type, AiEndpointCreated.type, AiEndpointDeleted.type], consumedBy('resource-owners'))
  async handle(@Payload() event: EventEnvelope, @Ctx() tx: EntityManager): Promise<void> {
    if (event.type === ExperimentCreated.type) {
      const d = event.data as EventData<typeof ExperimentCreated>;
      await this.record(tx, 'experiment', d.experimentId, event.metadata.actor.id);
    } else if (event.type === RegisteredModelCreated.type) {
      const d = event.data as EventData<typeof RegisteredModelCreated>;
      await this.record(tx, 'registered_model', d.name, event.metadata.actor.id);
    } else if (event.type === AiEndpointCreated.type) {
      const d = event.data as EventData<typeof AiEndpointCreated>;
      await this.record(tx, 'gateway_route', d.name, event.metadata.actor.id);
    } else if (event.type === AiEndpointDeleted.type) {
      // An endpoint name can be created again after deletion, by someone else: the old owner goes.
      const d = event.data as EventData<typeof AiEndpointDeleted>;
      await tx.query(`DELETE FROM resource_owners WHERE resource_type = 'gateway_route' AND resource_id = $1`, [d.name]);
    }
  }

  private async record(tx: EntityManager, type: string, id: string, ownerId: string): Promise<void> {
    // The first creation wins: a redelivered or replayed event never changes the owner.
    await tx.query(`INSERT INTO resource_owners (resource_type, resource_id, owner_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [type, id, ownerId]);
  }
}
