import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { LOGGER, Readiness } from '@custos/platform';
import { IpDecision, IpRule, IpRuleSet } from '../domain/ip-rules';
import { VersionWatch } from '../identity/version-watch.service';

interface RuleRow {
  rule_id: string;
  action: 'allow' | 'deny';
  cidr: string;
  route_prefix: string | null;
  description: string;
  created_at: Date;
  created_by: string;
}

export interface StoredIpRule extends IpRule {
  createdAt: string;
  createdBy: string;
}

/**
 * This replica's rule set, reloaded whenever `ip_rules` moves in `gw_versions`. Until the first load
 * the gateway does not know whether an allow list applies, so it serves nothing (fail closed); after
 * that, a database outage keeps the last rules (they change only through that database).
 */
@Injectable()
export class IpRules {
  private current?: IpRuleSet;

  constructor(
    private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    watch: VersionWatch,
    readiness: Readiness,
  ) {
    watch.onChange('ip_rules', () => this.reload());
    readiness.register('ip-rules', () => this.current !== undefined);
  }

  isLoaded(): boolean {
    return this.current !== undefined;
  }

  evaluate(clientIp: string, path: string): IpDecision {
    if (!this.current) throw new Error('IP rules not loaded');
    return this.current.evaluate(clientIp, path);
  }

  async list(ruleId?: string): Promise<StoredIpRule[]> {
    const rows = (await this.ds.query(`SELECT * FROM gw_ip_rules ${ruleId === undefined ? '' : 'WHERE rule_id = $1'} ORDER BY created_at, rule_id`, ruleId === undefined ? [] : [ruleId])) as RuleRow[];
    return rows.map((r) => ({
      ruleId: r.rule_id,
      action: r.action,
      cidr: r.cidr,
      routePrefix: r.route_prefix,
      description: r.description,
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
    }));
  }

  async reload(): Promise<void> {
    const rules = await this.list();
    this.current = new IpRuleSet(rules);
    this.logger.info({ rules: rules.length }, 'IP rules loaded');
  }
}
