import { canonicalScopes, describeCap, invalidScopes, parseScope, SCOPE_AREAS, scopeCap, scopeRefusal, scopesBeyond, VALID_SCOPES } from './scopes';

describe('scope vocabulary', () => {
  it('lists every area at its levels, weakest first', () => {
    expect(VALID_SCOPES).toEqual([
      'experiments:read',
      'experiments:use',
      'experiments:edit',
      'experiments:manage',
      'registered_models:read',
      'registered_models:use',
      'registered_models:edit',
      'registered_models:manage',
      'gateway_routes:read',
      'gateway_routes:use',
      'gateway_routes:edit',
      'gateway_routes:manage',
      'account:read',
      'account:manage',
      'audit:read',
      'admin:manage',
    ]);
  });

  it.each([
    ['experiments:read', { area: 'experiments', level: 'read' }],
    ['gateway_routes:use', { area: 'gateway_routes', level: 'use' }],
    ['admin:manage', { area: 'admin', level: 'manage' }],
  ])('parses %s', (scope, parsed) => expect(parseScope(scope)).toEqual(parsed));

  it.each([
    '',
    'experiments',
    'experiments:',
    'experiments:write',
    'EXPERIMENTS:READ',
    'experiment:read',
    'audit:manage',
    'admin:read',
    'account:edit',
    'experiments:read:x',
    'toString:read',
    '__proto__:read',
    'mlflow:read',
    ' experiments:read',
  ])('rejects %j', (scope) => {
    expect(parseScope(scope)).toBeUndefined();
    expect(invalidScopes([scope])).toEqual([scope]);
  });

  it('canonicalizes: one scope per area (the strongest), sorted, duplicates dropped', () => {
    expect(canonicalScopes(['experiments:read', 'audit:read', 'experiments:edit', 'experiments:read', 'account:read'])).toEqual(['account:read', 'audit:read', 'experiments:edit']);
    expect(canonicalScopes([])).toEqual([]);
    // Canonical form is a fixed point.
    for (const s of VALID_SCOPES) expect(canonicalScopes(canonicalScopes([s, 'experiments:use']))).toEqual(canonicalScopes([s, 'experiments:use']));
  });
});

describe('scopeCap', () => {
  it('is MANAGE everywhere for a credential without scopes', () => {
    for (const area of Object.keys(SCOPE_AREAS) as (keyof typeof SCOPE_AREAS)[]) expect(scopeCap(undefined, area)).toBe('MANAGE');
  });

  it('is the strongest level named for the area, else nothing', () => {
    const scopes = ['experiments:read', 'experiments:edit', 'audit:read'];
    expect(scopeCap(scopes, 'experiments')).toBe('EDIT');
    expect(scopeCap(scopes, 'audit')).toBe('READ');
    expect(scopeCap(scopes, 'registered_models')).toBe('NO_PERMISSIONS');
    expect(scopeCap(scopes, 'admin')).toBe('NO_PERMISSIONS');
  });

  it('fails closed: an empty list or unknown strings allow nothing', () => {
    expect(scopeCap([], 'experiments')).toBe('NO_PERMISSIONS');
    expect(scopeCap(['mlflow:read', 'experiments:*', '*'], 'experiments')).toBe('NO_PERMISSIONS');
  });

  it('explains a refusal with the cap and the need', () => {
    expect(scopeRefusal(['experiments:read'], { area: 'experiments', level: 'EDIT' })).toBe('key scope caps experiments at read (needs experiments:edit)');
    expect(scopeRefusal(['experiments:read'], { area: 'admin', level: 'MANAGE' })).toBe('key scope does not include admin (needs admin:manage)');
    expect(scopeRefusal(['experiments:read'], { area: 'experiments', level: 'READ' })).toBeUndefined();
    expect(scopeRefusal(undefined, { area: 'admin', level: 'MANAGE' })).toBeUndefined();
    expect(describeCap('registered_models', 'USE')).toBe('key scope caps registered_models at use');
  });
});

describe('scopesBeyond (a key mints no key broader than itself)', () => {
  it('lets an unscoped credential mint anything', () => {
    expect(scopesBeyond(undefined, [])).toEqual([]);
    expect(scopesBeyond(undefined, ['admin:manage'])).toEqual([]);
  });

  it('refuses an unscoped key from a scoped one, and names scopes above the holder', () => {
    const held = ['experiments:edit', 'account:manage'];
    expect(scopesBeyond(held, [])).toBe('unscoped');
    expect(scopesBeyond(held, ['experiments:read', 'account:read'])).toEqual([]);
    expect(scopesBeyond(held, ['experiments:edit'])).toEqual([]);
    expect(scopesBeyond(held, ['experiments:manage', 'audit:read', 'experiments:use'])).toEqual(['experiments:manage', 'audit:read']);
  });
});
