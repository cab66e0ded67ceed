import { Permission, rank, ResourceType } from './permissions';

/**
 * API-key scopes: `<area>:<level>`. A scope caps what a key may do in one area at one level of the
 * permission ladder; it never adds to what the key's owner holds. A key with scopes may do nothing
 * in an area none of its scopes names.
 *
 * - `experiments`, `registered_models`, `gateway_routes`: the resource types (tracking's experiments
 *   cover their runs, metrics, artifacts and logged models), at `read` < `use` < `edit` < `manage`.
 * - `account`: the caller's own account: `read` (who am I, my permissions, my keys, the user
 *   roster), `manage` (change my password, issue and revoke my keys, within this key's scopes).
 * - `audit:read`: the audit log (still only for auditors and admins).
 * - `admin:manage`: platform administration (still only for admins).
 */
export const SCOPE_LEVELS = ['read', 'use', 'edit', 'manage'] as const;
export type ScopeLevel = (typeof SCOPE_LEVELS)[number];

export const SCOPE_AREAS = {
  experiments: SCOPE_LEVELS,
  registered_models: SCOPE_LEVELS,
  gateway_routes: SCOPE_LEVELS,
  account: ['read', 'manage'],
  audit: ['read'],
  admin: ['manage'],
} as const satisfies Record<string, readonly ScopeLevel[]>;
export type ScopeArea = keyof typeof SCOPE_AREAS;

/** Every valid scope, in a stable order (area, then level weakest first). */
export const VALID_SCOPES: readonly string[] = Object.entries(SCOPE_AREAS).flatMap(([area, levels]) => levels.map((l) => `${area}:${l}`));

export const SCOPE_AREA_OF: Record<ResourceType, ScopeArea> = {
  experiment: 'experiments',
  registered_model: 'registered_models',
  gateway_route: 'gateway_routes',
};

/** What an action needs from a key's scopes: a level in one area. */
export interface ScopeNeed {
  area: ScopeArea;
  level: Exclude<Permission, 'NO_PERMISSIONS'>;
}

const levelPermission = (l: ScopeLevel): Permission => l.toUpperCase() as Permission;
const permissionLevel = (p: Permission): ScopeLevel => p.toLowerCase() as ScopeLevel;

export function parseScope(scope: string): { area: ScopeArea; level: ScopeLevel } | undefined {
  const [area, level, extra] = scope.split(':');
  if (extra !== undefined || !Object.hasOwn(SCOPE_AREAS, area)) return undefined;
  const levels: readonly string[] = SCOPE_AREAS[area as ScopeArea];
  return levels.includes(level) ? { area: area as ScopeArea, level: level as ScopeLevel } : undefined;
}

export function isValidScope(scope: string): boolean {
  return parseScope(scope) !== undefined;
}

/**
 * The canonical stored form: one scope per area (the strongest), sorted. Throws nothing; callers
 * reject invalid scopes first (`invalidScopes`).
 */
export function canonicalScopes(scopes: readonly string[]): string[] {
  const best = new Map<ScopeArea, ScopeLevel>();
  for (const s of scopes) {
    const parsed = parseScope(s);
    if (!parsed) continue;
    const held = best.get(parsed.area);
    if (!held || rank(levelPermission(parsed.level)) > rank(levelPermission(held))) best.set(parsed.area, parsed.level);
  }
  return [...best].map(([area, level]) => `${area}:${level}`).sort();
}

export function invalidScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !isValidScope(s));
}

/**
 * What a principal's credential allows in an area: MANAGE when it carries no scopes (`undefined`:
 * a password, identity-provider login or unscoped key), else the strongest level its scopes name
 * there, else NO_PERMISSIONS. Unknown scope strings allow nothing, so a malformed scope fails closed.
 */
export function scopeCap(scopes: readonly string[] | undefined, area: ScopeArea): Permission {
  if (scopes === undefined) return 'MANAGE';
  let cap: Permission = 'NO_PERMISSIONS';
  for (const s of scopes) {
    const parsed = parseScope(s);
    if (parsed && parsed.area === area && rank(levelPermission(parsed.level)) > rank(cap)) cap = levelPermission(parsed.level);
  }
  return cap;
}

/** The weaker of two permissions: what the owner holds, capped by the key. */
export function minPermission(a: Permission, b: Permission): Permission {
  return rank(a) <= rank(b) ? a : b;
}

/** `experiments:read`, or `experiments` alone when nothing is allowed there, for reasons and messages. */
export function describeCap(area: ScopeArea, cap: Permission): string {
  return cap === 'NO_PERMISSIONS' ? `key scope does not include ${area}` : `key scope caps ${area} at ${permissionLevel(cap)}`;
}

export function scopeOf(need: ScopeNeed): string {
  return `${need.area}:${permissionLevel(need.level)}`;
}

/**
 * Whether a key's scopes allow `need`; `undefined` when they do, else the reason to refuse. Scopes
 * whose area the owner may not act in at all still only cap: the owner's own check follows.
 */
export function scopeRefusal(scopes: readonly string[] | undefined, need: ScopeNeed): string | undefined {
  const cap = scopeCap(scopes, need.area);
  return rank(cap) >= rank(need.level) ? undefined : `${describeCap(need.area, cap)} (needs ${scopeOf(need)})`;
}

/**
 * Whether every scope in `requested` stays within `held` (a key may mint only keys no broader than
 * itself). An unscoped request under a scoped key is broader than it. Returns the offending scopes.
 */
export function scopesBeyond(held: readonly string[] | undefined, requested: readonly string[]): string[] | 'unscoped' {
  if (held === undefined) return [];
  if (requested.length === 0) return 'unscoped';
  return requested.filter((s) => {
    const parsed = parseScope(s);
    return !parsed || rank(levelPermission(parsed.level)) > rank(scopeCap(held, parsed.area));
  });
}
