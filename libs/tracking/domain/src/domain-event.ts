import { EventData, EventDefinition } from '@custos/events';

/**
 * A tracking event as a decider emits it: the literal type name plus data typed from the schema
 * declared once in @custos/events, so a decider cannot emit a shape the catalog would refuse.
 */
export interface DomainEvent<T extends string, D extends EventDefinition> {
  type: T;
  data: EventData<D>;
}
