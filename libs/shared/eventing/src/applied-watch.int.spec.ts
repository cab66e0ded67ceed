import { Kafka, Producer } from 'kafkajs';
import { AccessEnforcer, APPLIED_TOPIC, EventEnvelope, uuidv7 } from '@custos/events';
import { testKafka, uniqueName, waitFor } from '@custos/testing';
import { AppliedReporter } from './applied-reporter';
import { AppliedWatch } from './applied-watch';
import { ensureTopics } from './kafka';

const event = (type: string): EventEnvelope => ({
  id: uuidv7(),
  type,
  schemaVersion: 1,
  source: 'authz',
  streamId: 's',
  streamPosition: 0,
  occurredAt: new Date().toISOString(),
  data: {},
  metadata: { correlationId: 'c', actor: { type: 'system', id: 'test' } },
});

/** Decision 031 on real Kafka: an enforcer's reporter and a writer's watch, through `custos.applied`. */
describe('applied reports and the writer’s wait', () => {
  let kafka: Kafka;
  let producer: Producer;
  let watch: AppliedWatch;
  // Consumers of their own, so reports of other tests on the same topic cannot confirm anything here.
  const a: AccessEnforcer = { service: 'tracking', consumer: uniqueName('a'), eventTypes: ['authz.PermissionGranted'] };
  const b: AccessEnforcer = { service: 'registry', consumer: uniqueName('b'), eventTypes: ['authz.PermissionGranted'] };
  const reporter = (e: AccessEnforcer, barrier?: () => Promise<void>) =>
    new AppliedReporter(producer, { service: e.service, consumer: e.consumer, eventTypes: e.eventTypes, ...(barrier ? { barrier } : {}) });

  beforeAll(async () => {
    kafka = testKafka();
    await ensureTopics(kafka, 1, [APPLIED_TOPIC]);
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    watch = new AppliedWatch(kafka, { service: 'authz', enforcers: [a, b] });
    await watch.start();
    await waitFor('the watch joined', async () => watch.isListening());
  });
  afterAll(async () => {
    await watch.stop();
    await producer.disconnect();
  });

  it('answers "applied" once every enforcer reported the event', async () => {
    const granted = event('authz.PermissionGranted');
    const ra = reporter(a);
    const rb = reporter(b);
    const outcome = watch.settle([granted], 20_000);
    ra.applied([granted]);
    rb.applied([event('authz.PermissionGranted'), granted]);
    expect(await outcome).toBe('applied');
  });

  it('answers "pending" when one enforcer never reports, after the bound', async () => {
    const granted = event('authz.PermissionGranted');
    reporter(a).applied([granted]);
    expect(await watch.settle([granted], 1_500)).toBe('pending');
  });

  it('does not report events of types the consumer does not enforce', async () => {
    const other = event('authz.PermissionGranted');
    const ra = reporter({ ...a, eventTypes: ['authz.UserCreated'] });
    const rb = reporter(b);
    ra.applied([other]);
    rb.applied([other]);
    await Promise.all([ra.flushed(), rb.flushed()]);
    expect(await watch.settle([other], 1_500)).toBe('pending');
  });

  it('reports only after the barrier passed (the gateway: every replica dropped its cache)', async () => {
    const granted = event('authz.PermissionGranted');
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const ra = reporter(a, () => gate);
    reporter(b).applied([granted]);
    ra.applied([granted]);
    expect(await watch.settle([granted], 1_500)).toBe('pending');
    open();
    await ra.flushed();
    // The report arrived after the first writer gave up; a later writer of the same event sees it.
    expect(await watch.settle([granted], 20_000)).toBe('applied');
  });

  it('has nothing to say for events no enforcer applies', async () => {
    expect(await watch.settle([event('tracking.RunDataLogged')], 1_000)).toBeUndefined();
  });
});
