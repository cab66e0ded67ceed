import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';
import { Projection } from '@custos/eventing';
import { applyAccessEvent } from './access.projection';
import { applyAccountEvent } from './accounts.projection';

const ACCOUNT_EVENTS = /^authz\.(User|ApiKey)/;

/**
 * All of authz's read models. Applied inline in each command's transaction and, for
 * `rebuild-projections`, over the whole store in order; both paths run this same code.
 */
@Injectable()
export class AuthzProjection implements Projection {
  readonly name = 'authz-read-models';
  readonly tables = ['users', 'api_keys', 'roles', 'role_permissions', 'role_assignments', 'grants', 'authz_settings', 'identity_providers'];

  async apply(tx: EntityManager, event: EventEnvelope): Promise<void> {
    if (ACCOUNT_EVENTS.test(event.type)) return applyAccountEvent(tx, event);
    return applyAccessEvent(tx, event);
  }

  /** The inline form the command executor takes. */
  readonly inline = async (tx: EntityManager, events: EventEnvelope[]): Promise<void> => {
    for (const e of events) await this.apply(tx, e);
  };
}
