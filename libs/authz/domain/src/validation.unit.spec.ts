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

  it('sorts and de-duplicates scopes', () => {
    expect(normalizeScopes(['b', 'a:*', 'b'])).toEqual(['a:*', 'b']);
    expect(codeOf(() => normalizeScopes(Array.from({ length: 33 }, (_, i) => `s${i}`)))).toBe('INVALID_PARAMETER_VALUE');
  });
});
