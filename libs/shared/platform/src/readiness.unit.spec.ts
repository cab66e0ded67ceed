import { Readiness, registerConsumerReadiness } from './readiness';

describe('Readiness', () => {
  it('is ready when every check passes, whatever the details say', () => {
    const r = new Readiness();
    r.register('postgres', () => true);
    // A consumer restarted after a kill -9 serves at once; its group join waits out the old session.
    r.register('consumer:audit', () => true);
    r.describe('consumer:audit:joined', () => false);
    expect(r.report()).toEqual({ ready: true, checks: { postgres: true, 'consumer:audit': true }, details: { 'consumer:audit:joined': false } });
  });

  it('is not ready while a check fails or throws', () => {
    const r = new Readiness();
    r.register('postgres', () => true);
    r.register('consumer:audit', () => false);
    expect(r.report().ready).toBe(false);
    r.register('consumer:audit', () => {
      throw new Error('gone');
    });
    expect(r.report()).toMatchObject({ ready: false, checks: { 'consumer:audit': false } });
  });

  describe('for a consumer', () => {
    const consumer = { healthy: true, joined: false, isHealthy: () => consumer.healthy, isConnected: () => consumer.joined };
    const r = new Readiness();
    r.register('postgres', () => true);
    registerConsumerReadiness(r, 'audit-log', consumer);

    it('is ready before the group is joined (a restarted service serves while the old member expires)', () => {
      expect(r.report()).toEqual({ ready: true, checks: { postgres: true, 'consumer:audit-log': true }, details: { 'consumer:audit-log:joined': false } });
    });

    it('is not ready while a transient failure holds the consumer back', () => {
      consumer.joined = true;
      consumer.healthy = false;
      expect(r.report()).toMatchObject({ ready: false, checks: { 'consumer:audit-log': false }, details: { 'consumer:audit-log:joined': true } });
    });
  });
});
