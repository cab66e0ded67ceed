import { EventData, EventDefinition } from '@custos/events';

/**
 * An authz event as a decider emits it: the literal type name plus data typed from the schema
 * declared once in @custos/events, so a decider cannot emit a shape the catalog would refuse.
 */
export interface DomainEvent<T extends string, D extends EventDefinition> {
  type: T;
  data: EventData<D>;
}

/**
 * Compile-time exhaustiveness for `switch` defaults. It does nothing at run time, so `evolve`
 * can skip an event type that newer code added.
 */
export function exhaustive(value: never): void {
  void value;
}
