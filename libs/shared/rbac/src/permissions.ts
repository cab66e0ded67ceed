/** MLflow's permission levels, weakest first. NO_PERMISSIONS is an explicit deny-all grant. */
export const PERMISSION_LEVELS = ['NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE'] as const;
export type Permission = (typeof PERMISSION_LEVELS)[number];

export function rank(p: Permission): number {
  return PERMISSION_LEVELS.indexOf(p);
}

export function atLeast(have: Permission, need: Permission): boolean {
  return rank(have) >= rank(need);
}

export function isPermission(v: unknown): v is Permission {
  return typeof v === 'string' && (PERMISSION_LEVELS as readonly string[]).includes(v);
}

export const RESOURCE_TYPES = ['experiment', 'registered_model', 'gateway_route'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Platform roles grant capabilities that are not per-resource. */
export const PLATFORM_ROLES = ['admin', 'auditor'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];
