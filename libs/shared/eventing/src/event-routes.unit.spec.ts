import { EntityManager } from 'typeorm';
import { EventEnvelope, topicFor } from '@custos/events';
import { ALL_EVENTS, consumedBy, ConsumerDeclaration, DeclaredHandler, EventRoutingError, routeEventHandlers } from './event-routes';

const known = new Set(['tracking.ExperimentCreated', 'tracking.RunCreated', 'authz.UserCreated']);
const tracking: ConsumerDeclaration = { name: 'lineage', topics: [topicFor('tracking')] };
const tx = {} as EntityManager;
const event = (type: string, id = type): EventEnvelope => ({ type, id }) as EventEnvelope;

function handler(pattern: unknown, extras: object, calls: unknown[] = []): DeclaredHandler {
  return { pattern, extras: extras as Record<string, unknown>, call: async (payload) => void calls.push(payload) };
}

describe('routing @EventPattern handlers to consumers', () => {
  it.each([
    ['a type not in the catalog', [handler('tracking.ExperimentCraeted', consumedBy('lineage'))], [tracking], 'names no event type in the catalog'],
    ['no consumer in the extras', [handler('tracking.ExperimentCreated', {})], [tracking], 'names no consumer'],
    ['an undeclared consumer', [handler('tracking.ExperimentCreated', consumedBy('lineage2'))], [tracking], "names consumer 'lineage2', which the service does not declare"],
    ['a topic the consumer does not read', [handler('authz.UserCreated', consumedBy('lineage'))], [tracking], 'does not read custos.authz.events'],
    ['a consumer without handlers', [], [tracking], "consumer 'lineage' has no @EventPattern handler"],
    [
      'batch and per-event handlers in one consumer',
      [handler('tracking.ExperimentCreated', consumedBy('lineage')), handler('tracking.RunCreated', consumedBy('lineage', { batch: true }))],
      [tracking],
      'mixes batch and per-event handlers',
    ],
    [
      "an enforcer's type without a handler",
      [handler('tracking.ExperimentCreated', consumedBy('lineage'))],
      [{ ...tracking, mustHandle: ['tracking.ExperimentCreated', 'tracking.RunCreated'] }],
      'enforces access for tracking.RunCreated',
    ],
  ])('refuses %s at start', (_what, handlers, consumers, message) => {
    expect(() => routeEventHandlers(handlers, consumers, known)).toThrow(EventRoutingError);
    expect(() => routeEventHandlers(handlers, consumers, known)).toThrow(message);
  });

  it('reads only the named types and calls each type its handlers', async () => {
    const created: unknown[] = [];
    const runs: unknown[] = [];
    const route = routeEventHandlers([handler('tracking.ExperimentCreated', consumedBy('lineage'), created), handler('tracking.RunCreated', consumedBy('lineage'), runs)], [tracking], known).get(
      'lineage',
    )!;
    expect(route.eventTypes).toEqual(['tracking.ExperimentCreated', 'tracking.RunCreated']);
    expect(route.handleBatch).toBeUndefined();
    await route.handle(event('tracking.RunCreated'), tx);
    await route.handle(event('tracking.RunCreated', 'unheaded-other-type'), tx);
    expect(runs).toHaveLength(2);
    expect(created).toHaveLength(0);
  });

  it('calls a batch handler declared for several types once per batch, in order; ALL_EVENTS reads every type', async () => {
    const calls: unknown[] = [];
    // Nest registers `@EventPattern([a, b], extras)` as two handlers sharing one extras object.
    const extras = consumedBy('lineage', { batch: true });
    const route = routeEventHandlers([handler('tracking.ExperimentCreated', extras, calls), handler('tracking.RunCreated', extras, calls)], [tracking], known).get('lineage')!;
    const batch = [event('tracking.RunCreated', '1'), event('tracking.ExperimentCreated', '2'), event('tracking.RunCreated', '3')];
    await route.handleBatch!(batch, tx);
    expect(calls).toEqual([batch]);
    await route.handle(batch[0], tx);
    expect(calls[1]).toEqual([batch[0]]);

    const all = routeEventHandlers([handler(ALL_EVENTS, consumedBy('lineage', { batch: true }))], [tracking], known).get('lineage')!;
    expect(all.eventTypes).toBeUndefined();
  });
});
