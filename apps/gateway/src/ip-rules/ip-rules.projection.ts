import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, IpRuleAdded, IpRuleRemoved } from '@custos/events';
import { Projection } from '@custos/eventing';
import { bumpVersion } from '../identity/versions';

/**
 * `gw_ip_rules` from the gateway's own events: inline in the append transaction (read-your-writes
 * for the admin) and by replay for a rebuild. Each change bumps `ip_rules` in `gw_versions`, which
 * wakes every replica's version watch to reload its in-memory rule set.
 */
@Injectable()
export class IpRulesProjection implements Projection {
  readonly name = 'ip-rules';
  readonly tables = ['gw_ip_rules'];

  readonly inline = async (tx: EntityManager, events: EventEnvelope[]): Promise<void> => {
    for (const e of events) await this.apply(tx, e);
  };

  async apply(tx: EntityManager, e: EventEnvelope): Promise<void> {
    switch (e.type) {
      case IpRuleAdded.type: {
        const d = e.data as EventData<typeof IpRuleAdded>;
        await tx.query(
          `INSERT INTO gw_ip_rules (rule_id, action, cidr, route_prefix, description, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (rule_id) DO NOTHING`,
          [d.ruleId, d.action, d.cidr, d.routePrefix, d.description, e.occurredAt, e.metadata.actor.id],
        );
        break;
      }
      case IpRuleRemoved.type: {
        const d = e.data as EventData<typeof IpRuleRemoved>;
        await tx.query(`DELETE FROM gw_ip_rules WHERE rule_id = $1`, [d.ruleId]);
        break;
      }
      default:
        return;
    }
    await bumpVersion(tx, 'ip_rules');
  }
}
