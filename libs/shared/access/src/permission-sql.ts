import { Grant, Permission, PERMISSION_LEVELS, PolicyContext, Principal, rank, ResourceType, SCOPE_AREA_OF, scopeCap } from '@custos/rbac';

export interface SqlBinder {
  bind(value: unknown): string;
}

/**
 * The policy's effective-permission rule as a SQL expression over a column, so searches and lists
 * are filtered in the database (pages stay correct, nothing leaks): creator first, then grants from
 * the most specific pattern down (exact, longer prefix, shorter prefix), strongest first among
 * equals, else the default; then capped by the caller's key scopes (LEAST), as `authorize` caps
 * it. Must agree with the `effective` permission of `authorize` in @custos/rbac (tested).
 */
export function permissionRankSql(principal: Principal, ctx: PolicyContext, type: ResourceType, idColumn: string, ownerColumn: string | undefined, p: SqlBinder): string {
  const cap = rank(scopeCap(principal.scopes, SCOPE_AREA_OF[type]));
  // Admins hold MANAGE everywhere, so min(MANAGE, cap) is the cap; a key that allows nothing here needs no CASE.
  if (principal.roles.includes('admin') || cap === rank('NO_PERMISSIONS')) return String(cap);
  const owned = ownerRankSql(principal, ctx, type, idColumn, ownerColumn, p);
  return cap < rank('MANAGE') ? `LEAST(${owned}, ${cap})` : owned;
}

/** What a non-admin owner of the credential holds, before any key scope. */
function ownerRankSql(principal: Principal, ctx: PolicyContext, type: ResourceType, idColumn: string, ownerColumn: string | undefined, p: SqlBinder): string {
  const applicable = ctx.grants
    .filter((g) => g.resourceType === type && (g.subject.kind === 'principal' ? g.subject.id === principal.id : principal.groups.includes(g.subject.id)))
    .sort((a, b) => specificity(b) - specificity(a) || rank(b.permission) - rank(a.permission));
  const whens: string[] = [];
  if (ownerColumn) whens.push(`WHEN ${ownerColumn} = ${p.bind(principal.id)} THEN ${rank('MANAGE')}`);
  for (const g of applicable) whens.push(`WHEN ${match(g, idColumn, p)} THEN ${rank(g.permission)}`);
  return whens.length ? `(CASE ${whens.join(' ')} ELSE ${rank(ctx.defaultPermission)} END)` : String(rank(ctx.defaultPermission));
}

export function atLeastSql(expr: string, need: Permission): string {
  return `${expr} >= ${PERMISSION_LEVELS.indexOf(need)}`;
}

function specificity(g: Grant): number {
  return g.resourcePattern.endsWith('*') ? g.resourcePattern.length - 1 : Number.MAX_SAFE_INTEGER;
}

function match(g: Grant, column: string, p: SqlBinder): string {
  if (!g.resourcePattern.endsWith('*')) return `${column} = ${p.bind(g.resourcePattern)}`;
  const prefix = g.resourcePattern.slice(0, -1);
  // starts_with avoids LIKE's own wildcards (`%`, `_`) in the pattern.
  return prefix === '' ? 'TRUE' : `starts_with(${column}, ${p.bind(prefix)})`;
}
