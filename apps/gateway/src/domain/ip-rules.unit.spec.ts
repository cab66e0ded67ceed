import { IpRule, IpRuleSet, validateRoutePrefix } from './ip-rules';
import { canonicalTarget } from './request-path';

let n = 0;
const rule = (action: 'allow' | 'deny', cidr: string, routePrefix: string | null = null): IpRule => ({ ruleId: `r${++n}`, action, cidr, routePrefix, description: '' });
const allowed = (rules: IpRule[], ip: string, path = '/api/2.0/mlflow/experiments/get') => new IpRuleSet(rules).evaluate(ip, path).allowed;

describe('IP rule evaluation', () => {
  it.each<[string, IpRule[], string, string, boolean]>([
    ['no rules: everyone', [], '203.0.113.9', '/api/x', true],
    ['global deny matches', [rule('deny', '203.0.113.0/24')], '203.0.113.9', '/api/x', false],
    ['global deny misses', [rule('deny', '203.0.113.0/24')], '198.51.100.1', '/api/x', true],
    ['global allow matches', [rule('allow', '10.0.0.0/8')], '10.1.2.3', '/api/x', true],
    ['global allow misses: blocked', [rule('allow', '10.0.0.0/8')], '11.0.0.1', '/api/x', false],
    ['deny wins over an overlapping allow', [rule('allow', '10.0.0.0/8'), rule('deny', '10.1.0.0/16')], '10.1.2.3', '/api/x', false],
    ['allow outside the deny still passes', [rule('allow', '10.0.0.0/8'), rule('deny', '10.1.0.0/16')], '10.2.0.1', '/api/x', true],
    ['several allows: any one suffices', [rule('allow', '10.0.0.0/8'), rule('allow', '192.168.0.0/16')], '192.168.4.4', '/api/x', true],
    ['route allow applies under its prefix', [rule('allow', '10.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/audit/events', false],
    ['route allow does not apply elsewhere', [rule('allow', '10.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/2.0/mlflow/runs/get', true],
    ['route deny under its prefix', [rule('deny', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/audit/verify', false],
    ['route deny not elsewhere', [rule('deny', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/authz/x', true],
    ['global deny beats a route allow', [rule('allow', '11.0.0.0/8', '/api/audit/'), rule('deny', '11.0.0.1/32')], '11.0.0.1', '/api/audit/events', false],
    ['route deny beats a global allow', [rule('allow', '11.0.0.0/8'), rule('deny', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/audit/events', false],
    ['global allow gate and route allow gate: both must pass', [rule('allow', '10.0.0.0/8'), rule('allow', '10.9.0.0/16', '/api/audit/')], '10.1.0.1', '/api/audit/events', false],
    ['both gates pass', [rule('allow', '10.0.0.0/8'), rule('allow', '10.9.0.0/16', '/api/audit/')], '10.9.0.1', '/api/audit/events', true],
    ['route gate cannot widen the global gate', [rule('allow', '10.0.0.0/8'), rule('allow', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/audit/events', false],
    ['IPv6 allow matches', [rule('allow', '2001:db8::/32')], '2001:db8:1::5', '/api/x', true],
    ['IPv6 allow misses', [rule('allow', '2001:db8::/32')], '2001:db9::5', '/api/x', false],
    ['IPv6 deny', [rule('deny', '2001:db8:bad::/48')], '2001:db8:bad:1::1', '/api/x', false],
    ['IPv4 rules do not match IPv6 clients', [rule('allow', '0.0.0.0/0')], '2001:db8::1', '/api/x', false],
    ['IPv6 rules do not match IPv4 clients', [rule('deny', '::/0')], '10.0.0.1', '/api/x', true],
    ['IPv4-mapped client is unwrapped (deny)', [rule('deny', '10.0.0.0/8')], '::ffff:10.0.0.1', '/api/x', false],
    ['IPv4-mapped client is unwrapped (allow)', [rule('allow', '10.0.0.0/8')], '::ffff:10.0.0.1', '/api/x', true],
    ['IPv4-mapped hex spelling is unwrapped', [rule('allow', '10.0.0.0/8')], '::ffff:a00:1', '/api/x', true],
    ['host rule /32', [rule('deny', '127.0.0.7/32')], '127.0.0.7', '/api/x', false],
    ['host rule /32 misses the neighbour', [rule('deny', '127.0.0.7/32')], '127.0.0.8', '/api/x', true],
    ['unparseable client passes no allow gate', [rule('allow', '0.0.0.0/0')], 'not-an-ip', '/api/x', false],
    ['unparseable client with only deny rules', [rule('deny', '10.0.0.0/8')], 'not-an-ip', '/api/x', true],
    ['prefix matching ignores case', [rule('deny', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/API/Audit/events', false],
    ['prefix matching sees through percent-encoding', [rule('deny', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/%61udit/events', false],
    ['prefix matching collapses repeated slashes', [rule('deny', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api//audit/events', false],
    ['an undecodable path is matched by every route rule', [rule('deny', '11.0.0.0/8', '/api/audit/')], '11.0.0.1', '/api/%zz', false],
  ])('%s', (_name, rules, ip, path, expected) => {
    expect(allowed(rules, ip, path)).toBe(expected);
  });

  it('names the rule that blocked, for the audit record', () => {
    const deny = rule('deny', '203.0.113.0/24', '/api/audit/');
    const d = new IpRuleSet([rule('allow', '0.0.0.0/0'), deny]).evaluate('203.0.113.5', '/api/audit/events');
    expect(d).toMatchObject({ allowed: false, reason: 'denied', rule: deny });
    expect(d.allowed === false && d.detail).toContain(deny.ruleId);
    const gate = new IpRuleSet([rule('allow', '10.0.0.0/8')]).evaluate('11.1.1.1', '/api/x');
    expect(gate).toMatchObject({ allowed: false, reason: 'not_allowed' });
    expect(gate.allowed === false && gate.detail).toMatch(/11\.1\.1\.1 is in no allow rule of all routes \(r\d+: 10\.0\.0\.0\/8\)/);
  });
});

describe('route prefixes', () => {
  it('lower-cases and accepts path characters', () => {
    expect(validateRoutePrefix('/api/audit/')).toBe('/api/audit/');
    expect(validateRoutePrefix('/API/2.0/mlflow/')).toBe('/api/2.0/mlflow/');
  });
  it.each(['api/audit', '/api/%61udit', '/api//audit', '/api/../audit', '/api/./x', '/api/x?y', '/api/x#y', '/api/a b', '/api/..'])('refuses %s', (bad) => {
    expect(() => validateRoutePrefix(bad)).toThrow();
  });
});

/**
 * One deny rule on a logged model, and every spelling of a request that reaches the same handler:
 * each is either refused at the door (`canonicalTarget`) or blocked by the rule.
 */
describe('a route rule against every alias of its route', () => {
  const LM = '/api/2.0/mlflow/logged-models/';
  const blockedOrRefused = (prefix: string, raw: string) => {
    const t = canonicalTarget(raw);
    if (!t.ok) return 'refused';
    return new IpRuleSet([rule('deny', '11.0.0.0/8', prefix)]).evaluate('11.0.0.1', t.path).allowed ? 'allowed' : 'blocked';
  };
  it.each([
    ['the route itself', `${LM}m-1`],
    ['the /ajax-api/ twin', '/ajax-api/2.0/mlflow/logged-models/m-1'],
    ['upper case (Express matches routes case-insensitively)', '/API/2.0/MLflow/Logged-Models/m-1'],
    ['upper-case ajax twin', '/AJAX-API/2.0/mlflow/logged-models/m-1'],
    ['a percent-encoded hyphen', '/api/2.0/mlflow/logged%2Dmodels/m-1'],
    ['percent-encoded letters in the ajax twin', '/ajax-api/2.0/mlflow/%6Cogged-models/m-1'],
    ['repeated slashes', '/api/2.0/mlflow//logged-models//m-1'],
    ['a trailing slash', `${LM}m-1/`],
    ['a query string', `${LM}m-1?x=1`],
    ['a sub-route', `${LM}m-1/artifacts/files`],
  ])('blocks %s', (_name, raw) => {
    expect(blockedOrRefused(LM, raw)).toBe('blocked');
  });
  it.each([
    ['a dot-dot segment', '/api/2.0/mlflow/runs/../logged-models/m-1'],
    ['an encoded dot-dot', '/api/2.0/mlflow/runs/%2e%2e/logged-models/m-1'],
    ['an encoded slash', '/api/2.0/mlflow%2Flogged-models/m-1'],
    ['a backslash', '/api/2.0/mlflow\\logged-models/m-1'],
  ])('refuses %s at the door', (_name, raw) => {
    expect(blockedOrRefused(LM, raw)).toBe('refused');
  });
  it('applies a rule written for the /ajax-api/ spelling to the /api/ spelling', () => {
    expect(blockedOrRefused('/ajax-api/2.0/mlflow/logged-models/', `${LM}m-1`)).toBe('blocked');
    expect(blockedOrRefused('/ajax-api', '/api/2.0/mlflow-artifacts/artifacts/x')).toBe('blocked');
    // Only MLflow's routes have a twin: the audit API has no /ajax-api/ spelling.
    expect(blockedOrRefused('/ajax-api', '/api/audit/events')).toBe('allowed');
  });
  it('covers a resource by a prefix that ends in a slash, whatever the trailing slash of the request', () => {
    expect(blockedOrRefused(`${LM}m-1/`, `${LM}m-1`)).toBe('blocked');
    expect(blockedOrRefused(`${LM}m-1/`, `${LM}m-12`)).toBe('allowed');
    expect(blockedOrRefused('/api/audit/', '/api/auditx/events')).toBe('allowed');
  });
  it("applies a rule for get-artifact's /ajax-api/ or /api/ spelling to MLflow's top-level /get-artifact, and back", () => {
    const query = '?run_id=r1&path=model.pkl';
    for (const prefix of ['/ajax-api/2.0/mlflow/get-artifact', '/api/2.0/mlflow/get-artifact', '/ajax-api/2.0/mlflow/', '/ajax-api']) {
      expect(blockedOrRefused(prefix, `/get-artifact${query}`)).toBe('blocked');
      expect(blockedOrRefused(prefix, `/Get-Artifact/${query}`)).toBe('blocked');
    }
    expect(blockedOrRefused('/get-artifact', `/ajax-api/2.0/mlflow/get-artifact${query}`)).toBe('blocked');
    expect(blockedOrRefused('/get-artifact', `/get-artifact${query}`)).toBe('blocked');
    // Only that route has a top-level spelling.
    expect(blockedOrRefused('/ajax-api/2.0/mlflow/get-artifact', '/get-artifacts')).toBe('allowed');
    expect(blockedOrRefused('/get-artifact', '/ajax-api/2.0/mlflow/upload-artifact')).toBe('allowed');
  });
  it('leaves other routes alone', () => {
    expect(blockedOrRefused(LM, '/api/2.0/mlflow/experiments/search')).toBe('allowed');
    expect(blockedOrRefused(LM, '/ajax-api/2.0/mlflow/runs/get')).toBe('allowed');
  });
});

/** `/graphql` reads runs, experiments, artifacts and metrics: a rule on any of those covers it. */
describe("a route rule and MLflow's GraphQL endpoint", () => {
  const blocked = (prefix: string, raw: string) => {
    const t = canonicalTarget(raw);
    return t.ok && !new IpRuleSet([rule('deny', '11.0.0.0/8', prefix)]).evaluate('11.0.0.1', t.path).allowed;
  };
  it.each(['/api/2.0/mlflow/runs/', '/ajax-api/2.0/mlflow/experiments/', '/api/2.0/mlflow/artifacts/list', '/api/2.0/mlflow/metrics/', '/api/2.0/mlflow/model-versions/', '/graphql'])(
    'a deny on %s blocks /graphql in any case',
    (prefix) => {
      expect(blocked(prefix, '/graphql')).toBe(true);
      expect(blocked(prefix, '/GraphQL/')).toBe(true);
    },
  );
  it('leaves /graphql alone for rules on what it does not read', () => {
    expect(blocked('/api/2.0/mlflow/logged-models/', '/graphql')).toBe(false);
    expect(blocked('/api/audit/', '/graphql')).toBe(false);
  });
});
