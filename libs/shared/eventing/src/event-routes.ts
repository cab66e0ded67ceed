import { EntityManager } from 'typeorm';
import { Context, EventEnvelope, topicFor } from '@custos/events';

/** The pattern of a handler that takes every event on its consumer's topics, whatever its type (audit). */
export const ALL_EVENTS = '*';

/** What `@EventPattern(type, extras)` carries for the event transport (decision 037). */
export interface EventPatternExtras {
  /** The consumer (`ConsumerDefinition.name`) that delivers these events: its group, topics and offsets. */
  consumer: string;
  /** The handler takes each transaction's events at once: `(events: EventEnvelope[], tx)`. */
  batch?: boolean;
}

/** `@EventPattern(ExperimentCreated.type, consumedBy('lineage'))`: the extras, typed. */
export function consumedBy(consumer: string, opts: { batch?: boolean } = {}): EventPatternExtras {
  return { consumer, batch: opts.batch ?? false };
}

/** Calls one declared handler; its writes join the consumer's exactly-once transaction. */
export type HandlerCall = (payload: EventEnvelope | EventEnvelope[], tx: EntityManager) => Promise<void>;

export interface DeclaredHandler {
  pattern: unknown;
  extras: Record<string, unknown>;
  call: HandlerCall;
}

export interface ConsumerDeclaration {
  name: string;
  topics: readonly string[];
  /** Types the consumer must handle (an access enforcer's, decision 031): a writer waits for them. */
  mustHandle?: readonly string[];
}

/** What a consumer hands its events to: the consumer base's handler options. */
export interface EventRoute {
  /** The types its handlers name; others are skipped unread. Undefined when a handler takes all. */
  eventTypes?: string[];
  handle(event: EventEnvelope, tx: EntityManager): Promise<void>;
  handleBatch?(events: EventEnvelope[], tx: EntityManager): Promise<void>;
}

/** A handler declaration that could never receive an event, or a consumer that has none: refused at start. */
export class EventRoutingError extends Error {}

interface Bound {
  type: string;
  batch: boolean;
  call: HandlerCall;
  /** One per decorator: Nest registers an array of patterns one by one, sharing the extras object. */
  declaration: object;
}

/**
 * Groups the declared handlers by consumer. Whatever would make events go nowhere fails here, at
 * start, rather than in silence later: a pattern naming no catalogued type, a consumer nobody
 * declared, a type whose topic the consumer does not read, a consumer without handlers, an
 * enforcer's type without a handler.
 */
export function routeEventHandlers(handlers: readonly DeclaredHandler[], consumers: readonly ConsumerDeclaration[], knownTypes: ReadonlySet<string>): Map<string, EventRoute> {
  const byConsumer = new Map<string, Bound[]>(consumers.map((c) => [c.name, []]));
  for (const h of handlers) {
    const { consumer, batch } = h.extras as Partial<EventPatternExtras>;
    const shown = JSON.stringify(h.pattern);
    if (typeof h.pattern !== 'string') throw new EventRoutingError(`@EventPattern(${shown}): the pattern must be an event type (a string)`);
    if (typeof consumer !== 'string') throw new EventRoutingError(`@EventPattern(${shown}) names no consumer: pass consumedBy('<consumer>') as its extras`);
    const decl = consumers.find((c) => c.name === consumer);
    if (!decl) throw new EventRoutingError(`@EventPattern(${shown}) names consumer '${consumer}', which the service does not declare (${consumers.map((c) => c.name).join(', ') || 'none'})`);
    if (h.pattern !== ALL_EVENTS) {
      if (!knownTypes.has(h.pattern)) throw new EventRoutingError(`@EventPattern(${shown}) names no event type in the catalog`);
      const topic = topicFor(h.pattern.split('.')[0] as Context);
      if (!decl.topics.includes(topic)) throw new EventRoutingError(`@EventPattern(${shown}): consumer '${consumer}' does not read ${topic}`);
    }
    byConsumer.get(consumer)!.push({ type: h.pattern, batch: batch === true, call: h.call, declaration: h.extras });
  }
  const routes = new Map<string, EventRoute>();
  for (const c of consumers) {
    const bound = byConsumer.get(c.name)!;
    if (bound.length === 0) throw new EventRoutingError(`consumer '${c.name}' has no @EventPattern handler`);
    if (new Set(bound.map((b) => b.batch)).size > 1) throw new EventRoutingError(`consumer '${c.name}' mixes batch and per-event handlers; declare one kind`);
    const takesAll = bound.some((b) => b.type === ALL_EVENTS);
    const missing = takesAll ? [] : (c.mustHandle ?? []).filter((t) => !bound.some((b) => b.type === t));
    if (missing.length > 0) throw new EventRoutingError(`consumer '${c.name}' enforces access for ${missing.join(', ')} but no handler declares them`);
    const eventTypes = takesAll ? undefined : [...new Set(bound.map((b) => b.type))];
    routes.set(c.name, bound[0].batch ? batchRoute(bound, eventTypes) : eventRoute(bound, eventTypes));
  }
  return routes;
}

function eventRoute(bound: Bound[], eventTypes: string[] | undefined): EventRoute {
  const byType = new Map<string, HandlerCall[]>();
  for (const b of bound) byType.set(b.type, [...(byType.get(b.type) ?? []), b.call]);
  const forAll = byType.get(ALL_EVENTS) ?? [];
  return {
    ...(eventTypes ? { eventTypes } : {}),
    async handle(event, tx) {
      // An event of a type no handler names (it came without a type header) has no effect here.
      for (const call of byType.get(event.type) ?? []) await call(event, tx);
      for (const call of forAll) await call(event, tx);
    },
  };
}

function batchRoute(bound: Bound[], eventTypes: string[] | undefined): EventRoute {
  // A batch handler declared for several types is called once per batch with all of them, in order.
  const handlers = [...new Set(bound.map((b) => b.declaration))].map((declaration) => {
    const mine = bound.filter((b) => b.declaration === declaration);
    const types = new Set(mine.map((b) => b.type));
    return { call: mine[0].call, types: types.has(ALL_EVENTS) ? undefined : types };
  });
  const handleBatch = async (events: EventEnvelope[], tx: EntityManager): Promise<void> => {
    for (const h of handlers) {
      const mine = h.types ? events.filter((e) => h.types!.has(e.type)) : events;
      if (mine.length > 0) await h.call(mine, tx);
    }
  };
  return { ...(eventTypes ? { eventTypes } : {}), handle: (event, tx) => handleBatch([event], tx), handleBatch };
}
