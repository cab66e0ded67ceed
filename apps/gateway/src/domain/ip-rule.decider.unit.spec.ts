import { eventCatalog } from '@custos/events';
import { GatewayError } from './gateway-error';
import { IpRuleCommand, ipRuleDecider, IpRuleEvent } from './ip-rule.decider';

const fold = (events: IpRuleEvent[]) => events.reduce((s, e) => ipRuleDecider.evolve(s, JSON.parse(JSON.stringify(e)) as IpRuleEvent), ipRuleDecider.initialState());
const add = (over: Partial<Extract<IpRuleCommand, { type: 'AddIpRule' }>> = {}): IpRuleCommand => ({
  type: 'AddIpRule',
  ruleId: 'r1',
  action: 'deny',
  cidr: '203.0.113.0/24',
  routePrefix: null,
  description: 'scanner',
  ...over,
});
const added: IpRuleEvent = { type: 'gateway.IpRuleAdded', data: { ruleId: 'r1', action: 'deny', cidr: '203.0.113.0/24', routePrefix: null, description: 'scanner' } };

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return e as GatewayError;
  }
  throw new Error('expected an error');
}

describe('IP rule decider', () => {
  it('adds a valid rule, and the event passes the catalog', () => {
    const events = ipRuleDecider.decide(add(), fold([]));
    expect(events).toEqual([added]);
    expect(() => eventCatalog.validateNew(events[0])).not.toThrow();
  });

  it('adds a per-route rule', () => {
    expect(ipRuleDecider.decide(add({ action: 'allow', cidr: '2001:db8::/32', routePrefix: '/api/audit/' }), fold([]))[0].data).toMatchObject({ routePrefix: '/api/audit/', cidr: '2001:db8::/32' });
  });

  it.each<[Partial<Extract<IpRuleCommand, { type: 'AddIpRule' }>>, RegExp]>([
    [{ cidr: '10.0.0.1/8' }, /host bits/],
    [{ cidr: '010.0.0.0/8' }, /not an IPv4|canonical/],
    [{ cidr: '2001:DB8::/32' }, /canonical form/],
    [{ cidr: '::ffff:1.2.3.4/128' }, /IPv4-mapped/],
    [{ routePrefix: '/API/audit/' }, /lower case: '\/api\/audit\/'/],
    [{ routePrefix: 'api' }, /must start with/],
    [{ ruleId: 'bad id' }, /ruleId/],
  ])('refuses %p', (over, message) => {
    const e = errorOf(() => ipRuleDecider.decide(add(over), fold([])));
    expect(e).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', httpStatus: 400 });
    expect(e.message).toMatch(message);
  });

  it('refuses a second add and a remove of what is not there', () => {
    expect(errorOf(() => ipRuleDecider.decide(add(), fold([added])))).toMatchObject({ errorCode: 'RESOURCE_ALREADY_EXISTS', httpStatus: 409 });
    expect(errorOf(() => ipRuleDecider.decide({ type: 'RemoveIpRule', ruleId: 'r1' }, fold([])))).toMatchObject({ httpStatus: 404 });
  });

  it('removes an active rule once', () => {
    expect(ipRuleDecider.decide({ type: 'RemoveIpRule', ruleId: 'r1' }, fold([added]))).toEqual([{ type: 'gateway.IpRuleRemoved', data: { ruleId: 'r1' } }]);
    const removed: IpRuleEvent = { type: 'gateway.IpRuleRemoved', data: { ruleId: 'r1' } };
    expect(errorOf(() => ipRuleDecider.decide({ type: 'RemoveIpRule', ruleId: 'r1' }, fold([added, removed])))).toMatchObject({ httpStatus: 404 });
  });
});
