import { PropagationLedger } from './propagation-ledger';

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('propagation ledger', () => {
  it('resolves once every enforcer has reported the event, not before', async () => {
    const ledger = new PropagationLedger();
    const wait = ledger.expect('e1', ['tracking/access', 'registry/access']);
    ledger.report('tracking/access', ['e1', 'e0']);
    expect(await settled(wait)).toBe(false);
    ledger.report('registry/access', ['e2']);
    expect(await settled(wait)).toBe(false);
    ledger.report('registry/access', ['e1']);
    expect(await settled(wait)).toBe(true);
    expect(ledger.waitingFor).toBe(0);
  });

  it('counts reports that came before the writer asked', async () => {
    const ledger = new PropagationLedger();
    ledger.report('gateway/identity', ['e1']);
    expect(await settled(ledger.expect('e1', ['gateway/identity']))).toBe(true);
    // One enforcer reported early, the other has not yet.
    ledger.report('tracking/access', ['e2']);
    const wait = ledger.expect('e2', ['tracking/access', 'registry/access']);
    expect(await settled(wait)).toBe(false);
    ledger.report('registry/access', ['e2']);
    expect(await settled(wait)).toBe(true);
  });

  it('serves two writers waiting for the same event, and forgets on request', async () => {
    const ledger = new PropagationLedger();
    const a = ledger.expect('e1', ['gateway/identity']);
    const b = ledger.expect('e1', ['gateway/identity']);
    ledger.report('gateway/identity', ['e1']);
    expect([await settled(a), await settled(b)]).toEqual([true, true]);
    const c = ledger.expect('e3', ['gateway/identity']);
    ledger.forget(['e3']);
    expect(ledger.waitingFor).toBe(0);
    ledger.report('gateway/identity', ['e3']);
    expect(await settled(c)).toBe(false);
  });

  it('keeps only the newest early reports', async () => {
    const ledger = new PropagationLedger(2);
    ledger.report('x/y', ['e1', 'e2', 'e3']);
    expect(await settled(ledger.expect('e1', ['x/y']))).toBe(false);
    expect(await settled(ledger.expect('e3', ['x/y']))).toBe(true);
  });
});
