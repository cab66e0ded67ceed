import { VALID_SCOPES } from '@custos/rbac';
import { AuthzError } from './errors';
import { normalizeScopes, parsePermission, validatePassword, validateResourcePattern } from './validation';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as AuthzError).code;
  }
};

describe('authz validation', () => {
  it('applies MLflow password length rules with a cap', () => {
    expect(codeOf(() => validatePassword(''))).toBe('INVALID_PARAMETER_VALUE');
    expect(codeOf(() => validatePassword('elevenchars'))).toBe('INVALID_PARAMETER_VALUE');
    expect(codeOf(() => validatePassword('twelve chars'))).toBeUndefined();
    expect(codeOf(() => validatePassword('x'.repeat(1025)))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('maps DENY to an explicit NO_PERMISSIONS and refuses unknown levels', () => {
    expect(parsePermission('DENY')).toBe('NO_PERMISSIONS');
    expect(parsePermission('EDIT')).toBe('EDIT');
    expect(codeOf(() => parsePermission('read'))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('accepts exact ids, * and trailing-* prefixes only', () => {
    for (const ok of ['12', '*', 'prod-*', 'a b']) expect(codeOf(() => validateResourcePattern(ok))).toBeUndefined();
    for (const bad of ['', '*x', 'a**', 'x\ty']) expect(codeOf(() => validateResourcePattern(bad))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('stores scopes canonical: one per area, the strongest, sorted', () => {
    expect(normalizeScopes(['experiments:read', 'audit:read', 'experiments:edit', 'audit:read'])).toEqual(['audit:read', 'experiments:edit']);
    expect(normalizeScopes([])).toEqual([]);
    expect(normalizeScopes(VALID_SCOPES)).toEqual(['account:manage', 'admin:manage', 'audit:read', 'experiments:manage', 'gateway_routes:manage', 'registered_models:manage']);
  });

  it('rejects unknown scopes with 400, naming them and listing the valid ones', () => {
    for (const bad of ['mlflow:read', 'experiments:write', 'experiments', 'audit:manage', 'Experiments:read', '*', '']) {
      let err: AuthzError | undefined;
      try {
        normalizeScopes(['experiments:read', bad]);
      } catch (e) {
        err = e as AuthzError;
      }
      expect(err?.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err?.httpStatus).toBe(400);
      expect(err?.message).toBe(`Invalid scope '${bad}'. Valid scopes are: ${VALID_SCOPES.join(', ')}`);
    }
  });

  it('names at most five invalid scopes, each cut to 64 characters, and caps the count', () => {
    const msg = (() => {
      try {
        normalizeScopes(['a', 'b', 'c', 'd', 'e', 'f', 'x'.repeat(500)]);
      } catch (e) {
        return (e as AuthzError).message;
      }
      return '';
    })();
    expect(msg.startsWith("Invalid scopes 'a', 'b', 'c', 'd', 'e'. Valid scopes are: ")).toBe(true);
    expect(codeOf(() => normalizeScopes(Array.from({ length: 33 }, () => 'experiments:read')))).toBe('INVALID_PARAMETER_VALUE');
    let long = '';
    try {
      normalizeScopes(['y'.repeat(500)]);
    } catch (e) {
      long = (e as AuthzError).message;
    }
    expect(long).toContain(`'${'y'.repeat(64)}...'`);
    expect(long).not.toContain('y'.repeat(65));
  });
});
