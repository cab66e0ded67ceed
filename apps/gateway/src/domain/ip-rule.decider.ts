import { Decider, EventData, IpRuleAdded, IpRuleRemoved } from '@custos/events';
import { CidrError, parseCidr } from './cidr';
import { GatewayError } from './gateway-error';
import { IpRuleAction, RoutePrefixError, validateRoutePrefix } from './ip-rules';

/**
 * One stream per IP rule. A rule is immutable once added (to change one, remove it and add
 * another), so its history is added → removed. Uniqueness across rules (no two identical rules)
 * is the read model's unique index, as with experiment names.
 */
export type IpRuleCommand = { type: 'AddIpRule'; ruleId: string; action: IpRuleAction; cidr: string; routePrefix: string | null; description: string } | { type: 'RemoveIpRule'; ruleId: string };

export type IpRuleEvent = { type: 'gateway.IpRuleAdded'; data: EventData<typeof IpRuleAdded> } | { type: 'gateway.IpRuleRemoved'; data: EventData<typeof IpRuleRemoved> };

export type IpRuleState = { status: 'absent' } | { status: 'active'; rule: EventData<typeof IpRuleAdded> } | { status: 'removed'; ruleId: string };

export const ipRuleStreamId = (ruleId: string) => `ip-rule-${ruleId}`;

const RULE_ID = /^[A-Za-z0-9._-]{1,64}$/;

function add(c: Extract<IpRuleCommand, { type: 'AddIpRule' }>, state: IpRuleState): IpRuleEvent[] {
  if (!RULE_ID.test(c.ruleId)) throw new GatewayError('INVALID_PARAMETER_VALUE', 'ruleId must be 1-64 letters, digits, dots, dashes or underscores');
  if (state.status !== 'absent') throw new GatewayError('RESOURCE_ALREADY_EXISTS', `IP rule ${c.ruleId} already exists`);
  if (c.action !== 'allow' && c.action !== 'deny') throw new GatewayError('INVALID_PARAMETER_VALUE', "action must be 'allow' or 'deny'");
  if (c.description.length > 512) throw new GatewayError('INVALID_PARAMETER_VALUE', 'description is longer than 512 characters');
  let cidr: string;
  let routePrefix: string | null;
  try {
    cidr = parseCidr(c.cidr).text;
    routePrefix = c.routePrefix === null ? null : validateRoutePrefix(c.routePrefix);
  } catch (e) {
    if (e instanceof CidrError || e instanceof RoutePrefixError) throw new GatewayError('INVALID_PARAMETER_VALUE', e.message);
    throw e;
  }
  if (routePrefix !== c.routePrefix) throw new GatewayError('INVALID_PARAMETER_VALUE', `route prefix must be written in lower case: '${routePrefix}'`);
  return [{ type: 'gateway.IpRuleAdded', data: { ruleId: c.ruleId, action: c.action, cidr, routePrefix, description: c.description } }];
}

function remove(c: Extract<IpRuleCommand, { type: 'RemoveIpRule' }>, state: IpRuleState): IpRuleEvent[] {
  if (state.status !== 'active') throw new GatewayError('RESOURCE_DOES_NOT_EXIST', `IP rule ${c.ruleId} does not exist`);
  return [{ type: 'gateway.IpRuleRemoved', data: { ruleId: c.ruleId } }];
}

export const ipRuleDecider: Decider<IpRuleCommand, IpRuleEvent, IpRuleState> = {
  stateVersion: 1,
  initialState: () => ({ status: 'absent' }),
  decide(command, state) {
    switch (command.type) {
      case 'AddIpRule':
        return add(command, state);
      case 'RemoveIpRule':
        return remove(command, state);
      default: {
        const never: never = command;
        throw new Error(`unknown command ${(never as { type: string }).type}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'gateway.IpRuleAdded':
        return { status: 'active', rule: event.data };
      case 'gateway.IpRuleRemoved':
        return { status: 'removed', ruleId: event.data.ruleId };
      default:
        return state;
    }
  },
};
