import { Injectable } from '@nestjs/common';
import { CommandExecutor, pgCode, pgConstraint, PG } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { GatewayError } from '../domain/gateway-error';
import { IpRuleCommand, ipRuleDecider, ipRuleStreamId } from '../domain/ip-rule.decider';
import { IpRulesProjection } from './ip-rules.projection';

/** Runs IP-rule commands through the decider; the read model and its version move in the same transaction. */
@Injectable()
export class IpRuleCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projection: IpRulesProjection,
  ) {}

  async execute(command: IpRuleCommand): Promise<void> {
    try {
      await this.executor.execute(ipRuleDecider, ipRuleStreamId(command.ruleId), command, eventMetadata(), this.projection.inline);
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'gw_ip_rules_identical') {
        throw new GatewayError('RESOURCE_ALREADY_EXISTS', 'an identical IP rule (same action, CIDR and route prefix) already exists');
      }
      throw e;
    }
  }
}
