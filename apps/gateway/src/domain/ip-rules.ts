import { Cidr, cidrContains, parseCidr } from './cidr';
import { IpAddress, parseIp, unmapIp } from './ip-address';
import { ruleViews } from './request-path';

export type IpRuleAction = 'allow' | 'deny';

export interface IpRule {
  ruleId: string;
  action: IpRuleAction;
  /** Canonical CIDR (see `parseCidr`). */
  cidr: string;
  /** Lower-case path prefix, or null for every route. */
  routePrefix: string | null;
  description: string;
}

export type IpDecision = { allowed: true } | { allowed: false; rule?: IpRule; reason: 'denied' | 'not_allowed'; detail: string };

export class RoutePrefixError extends Error {}

const PREFIX_CHARS = /^\/[a-z0-9._~!$&'()*+,;=:@/-]*$/;

/**
 * A route prefix is a literal, case-insensitive prefix of the request path (`/api/audit/` covers
 * the audit API; `/api/audit` also covers `/api/auditx`), whichever spelling of the path reached
 * the gateway (`prefixCovers`). Stored in lower case; percent signs, empty
 * and dot segments are refused so a prefix means one thing.
 */
export function validateRoutePrefix(raw: string): string {
  const p = raw.toLowerCase();
  if (p.length > 512) throw new RoutePrefixError('route prefix is longer than 512 characters');
  if (!PREFIX_CHARS.test(p)) throw new RoutePrefixError(`route prefix '${raw}' must start with '/' and use only path characters (no '%', '?', '#', spaces)`);
  if (p.includes('//') || /\/\.\.?(\/|$)/.test(p)) throw new RoutePrefixError(`route prefix '${raw}' has empty or dot segments`);
  return p;
}

/**
 * Whether a rule's prefix covers a path, under any of its spellings (`ruleViews`: decoded, lower
 * case, `/api/` and `/ajax-api/` alike). A path is also compared with a trailing slash, since
 * Express serves `/x/` as `/x`: a prefix `/api/2.0/mlflow/logged-models/m-1/` covers the model
 * itself. A path that does not decode is covered by every prefix: the conservative reading.
 */
export function prefixCovers(prefix: string, path: string): boolean {
  return covers(prefix, pathViews(path));
}

/** The spellings of a path with a trailing slash each; undefined when the path does not decode. */
function pathViews(path: string): string[] | undefined {
  return ruleViews(path)?.map((v) => (v.endsWith('/') ? v : `${v}/`));
}

function covers(prefix: string, views: string[] | undefined): boolean {
  return views === undefined || views.some((v) => v.startsWith(prefix));
}

interface CompiledRule {
  rule: IpRule;
  net: Cidr;
}

/**
 * The rules one replica applies. Evaluation:
 * 1. a rule applies when it is global or its prefix covers the path (`prefixCovers`);
 * 2. deny wins: an applicable deny rule containing the client blocks the request;
 * 3. allow lists are gates per scope: for the global scope and for each applicable route prefix
 *    that has allow rules, the client must be in one of that scope's allow rules. (Stricter than
 *    "any applicable allow": a global allow of the office network cannot widen a route that is
 *    restricted to the ops network, and vice versa.)
 * IPv4-mapped IPv6 clients are unwrapped first; a client address that does not parse matches no
 * rule, so it passes only where no allow gate applies and is blocked where one does.
 */
export class IpRuleSet {
  private readonly compiled: CompiledRule[];

  constructor(rules: readonly IpRule[]) {
    this.compiled = rules.map((rule) => ({ rule, net: parseCidr(rule.cidr) }));
  }

  get size(): number {
    return this.compiled.length;
  }

  evaluate(clientIp: string, path: string): IpDecision {
    if (this.compiled.length === 0) return { allowed: true };
    const parsed = parseIp(clientIp);
    const client: IpAddress | undefined = parsed ? unmapIp(parsed) : undefined;
    const views = pathViews(path);
    const applicable = this.compiled.filter((c) => c.rule.routePrefix === null || covers(c.rule.routePrefix, views));
    const inRule = (c: CompiledRule) => client !== undefined && cidrContains(c.net, client);
    const deny = applicable.find((c) => c.rule.action === 'deny' && inRule(c));
    if (deny) return { allowed: false, rule: deny.rule, reason: 'denied', detail: `deny rule ${deny.rule.ruleId} (${deny.rule.cidr} on ${scopeName(deny.rule.routePrefix)}) matched ${clientIp}` };
    const gates = new Map<string | null, CompiledRule[]>();
    for (const c of applicable) {
      if (c.rule.action !== 'allow') continue;
      gates.set(c.rule.routePrefix, [...(gates.get(c.rule.routePrefix) ?? []), c]);
    }
    for (const [scope, allows] of gates) {
      if (!allows.some(inRule)) {
        return {
          allowed: false,
          rule: allows[0].rule,
          reason: 'not_allowed',
          detail: `${clientIp} is in no allow rule of ${scopeName(scope)} (${allows.map((a) => `${a.rule.ruleId}: ${a.rule.cidr}`).join(', ')})`.slice(0, 500),
        };
      }
    }
    return { allowed: true };
  }
}

function scopeName(prefix: string | null): string {
  return prefix === null ? 'all routes' : `routes under ${prefix}`;
}
