import { canonicalTarget, ruleViews } from './request-path';

const canonical = (raw: string) => {
  const t = canonicalTarget(raw);
  if (!t.ok) throw new Error(`refused ${raw}: ${t.detail}`);
  return t;
};

describe('canonical request target', () => {
  it.each([
    ['unreserved escapes are decoded', '/api/2.0/mlflow/logged%2Dmodels/m%2d1', '/api/2.0/mlflow/logged-models/m-1'],
    ['letters and digits too', '/api/2.0/mlflow/%6C%6Fgged-models/%41', '/api/2.0/mlflow/logged-models/A'],
    ['other escapes keep upper-case hex', '/api/2.0/mlflow-artifacts/artifacts/a%3ab%20c', '/api/2.0/mlflow-artifacts/artifacts/a%3Ab%20c'],
    ['runs of slashes collapse', '//api//2.0///mlflow/logged-models/m-1', '/api/2.0/mlflow/logged-models/m-1'],
    ['a trailing slash is dropped', '/api/2.0/mlflow/logged-models/m-1/', '/api/2.0/mlflow/logged-models/m-1'],
    ['the root stays the root', '/', '/'],
    ['case is kept (ids and artifact names are case-sensitive)', '/API/2.0/mlflow/Runs/get', '/API/2.0/mlflow/Runs/get'],
    ['printable characters a client left unencoded are encoded', '/api/x/a[1]|{b}', '/api/x/a%5B1%5D%7C%7Bb%7D'],
    ['UTF-8 escapes are kept', '/api/x/%C3%A9t%C3%A9', '/api/x/%C3%A9t%C3%A9'],
    ['dots inside a segment are fine', '/api/x/model.v1..2', '/api/x/model.v1..2'],
  ])('%s', (_name, raw, path) => {
    expect(canonical(raw).path).toBe(path);
  });

  it('keeps the query string as sent and forwards the canonical path with it', () => {
    expect(canonical('/api//2.0/mlflow/runs/get/?run_id=a%2Fb&x=%2e%2e')).toEqual({ ok: true, path: '/api/2.0/mlflow/runs/get', url: '/api/2.0/mlflow/runs/get?run_id=a%2Fb&x=%2e%2e' });
  });

  it.each([
    ['a dot-dot segment', '/api/2.0/mlflow/x/../logged-models/m-1', /'\.' or '\.\.'/],
    ['a dot segment', '/api/./audit/events', /'\.' or '\.\.'/],
    ['an encoded dot-dot', '/api/2.0/mlflow/x/%2E%2e/logged-models', /'\.' or '\.\.'/],
    ['an encoded slash', '/api/2.0/mlflow%2Flogged-models/m-1', /encoded slash/],
    ['an encoded lower-case slash', '/api/2.0/mlflow-artifacts/artifacts/a%2fb', /encoded slash/],
    ['an encoded backslash', '/api/x/a%5Cb', /encoded slash or backslash/],
    ['a backslash', '/api\\2.0/mlflow', /backslash/],
    ['a fragment', '/api/audit/events#x', /'#'/],
    ['a broken escape', '/api/%zz', /percent-escape/],
    ['a truncated escape', '/api/x%4', /percent-escape/],
    ['escapes that are not UTF-8', '/api/x/%FF', /not UTF-8/],
    ['an encoded lone surrogate', '/api/x/%ED%A0%80', /not UTF-8/],
    ['a space', '/api/x y', /space/],
    ['a non-ASCII character', '/api/x/é', /non-ASCII/],
    ['an absolute-form target', 'http://evil/api/2.0/mlflow/runs/get', /absolute path/],
    ['an asterisk-form target', '*', /absolute path/],
  ])('refuses %s', (_name, raw, detail) => {
    const t = canonicalTarget(raw);
    expect(t.ok).toBe(false);
    expect(!t.ok && t.detail).toMatch(detail);
  });
});

describe('the spellings an IP rule sees', () => {
  it('gives MLflow routes both their /api/ and /ajax-api/ spelling, decoded and in lower case', () => {
    expect(ruleViews('/ajax-api/2.0/mlflow/Logged-Models/m-1')).toEqual(['/api/2.0/mlflow/logged-models/m-1', '/ajax-api/2.0/mlflow/logged-models/m-1']);
    expect(ruleViews('/api/3.0/mlflow/users/x')).toEqual(['/api/3.0/mlflow/users/x', '/ajax-api/3.0/mlflow/users/x']);
    expect(ruleViews('/api/2.0/mlflow-artifacts/artifacts/a%3Ab')).toEqual(['/api/2.0/mlflow-artifacts/artifacts/a:b', '/ajax-api/2.0/mlflow-artifacts/artifacts/a:b']);
  });
  it("gives MLflow's top-level /get-artifact its /api/ and /ajax-api/ twins, and them it", () => {
    const all = ['/api/2.0/mlflow/get-artifact', '/ajax-api/2.0/mlflow/get-artifact', '/get-artifact'];
    expect(ruleViews('/get-artifact')).toEqual(all);
    expect(ruleViews('/Get-Artifact')).toEqual(all);
    expect(ruleViews('/ajax-api/2.0/mlflow/get-artifact')).toEqual(all);
    expect(ruleViews('/api/2.0/mlflow/get-artifact')).toEqual(all);
    expect(ruleViews('/get-artifacts')).toEqual(['/get-artifacts']);
  });
  it('gives other routes one spelling', () => {
    expect(ruleViews('/api/Audit/events')).toEqual(['/api/audit/events']);
    expect(ruleViews('/ajax-api/audit/events')).toEqual(['/ajax-api/audit/events']);
  });
  it('is undefined for a path that does not decode', () => {
    expect(ruleViews('/api/%E0%A4%A')).toBeUndefined();
  });
  it('gives /graphql, in any case, the spellings of the REST reads it answers', () => {
    const views = ruleViews('/GraphQL') ?? [];
    expect(views[0]).toBe('/graphql');
    for (const read of ['experiments/get', 'runs/get', 'runs/search', 'artifacts/list', 'metrics/get-history-bulk-interval', 'model-versions/search']) {
      expect(views).toEqual(expect.arrayContaining([`/api/2.0/mlflow/${read}`, `/ajax-api/2.0/mlflow/${read}`]));
    }
  });
});
