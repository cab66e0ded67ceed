import { Metrics } from './metrics';

describe('Metrics', () => {
  it('counts dead letters by consumer and reason class', async () => {
    const m = new Metrics();
    m.deadLettered.inc({ consumer: 'audit', reason_class: 'handler' });
    m.deadLettered.inc({ consumer: 'audit', reason_class: 'handler' });
    m.deadLettered.inc({ consumer: 'audit', reason_class: 'undecodable' });
    const text = await m.registry.metrics();
    expect(text).toContain('custos_dead_letters_total{consumer="audit",reason_class="handler"} 2');
    expect(text).toContain('custos_dead_letters_total{consumer="audit",reason_class="undecodable"} 1');
  });

  it('reads how long each consumer has been stalled, and its lag, at scrape time', async () => {
    const m = new Metrics();
    let stalledSince: number | undefined = Date.now() - 42_000;
    m.watchConsumer('audit', { stalledSince: () => stalledSince, lag: () => 17 });
    m.watchConsumer('identity', { stalledSince: () => undefined, lag: () => 0 });
    let text = await m.registry.metrics();
    const stalled = /custos_consumer_stalled_seconds\{consumer="audit"\} ([\d.]+)/.exec(text);
    expect(Number(stalled?.[1])).toBeGreaterThanOrEqual(42);
    expect(text).toContain('custos_consumer_stalled_seconds{consumer="identity"} 0');
    expect(text).toContain('custos_consumer_lag_messages{consumer="audit"} 17');
    stalledSince = undefined;
    text = await m.registry.metrics();
    expect(text).toContain('custos_consumer_stalled_seconds{consumer="audit"} 0');
  });
});
