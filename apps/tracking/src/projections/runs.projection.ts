import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';

/** Runs, params, tags, metrics and inputs read models. */
export async function applyRunEvent(_tx: EntityManager, _e: EventEnvelope): Promise<void> {
  return;
}
