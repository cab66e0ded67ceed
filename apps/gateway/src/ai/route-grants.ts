import { Grant, isPermission, Permission, PolicyContext, Principal } from '@custos/rbac';

/** One row of a service's access tables as it concerns gateway routes: a direct grant, or a role's grant through an assignment. */
export interface RouteGrantRow {
  subjectKind: 'principal' | 'group';
  subjectId: string;
  resourcePattern: string;
  permission: string;
}

/**
 * Every `gateway_route` grant this replica knows, indexed by subject, so the call path finds a
 * caller's in a map lookup per group instead of a database round trip. Immutable: a reload builds
 * a new one.
 */
export class RouteGrants {
  private readonly bySubject = new Map<string, Grant[]>();

  constructor(
    rows: readonly RouteGrantRow[],
    readonly defaultPermission: Permission,
  ) {
    for (const r of rows) {
      if (!isPermission(r.permission)) continue;
      const key = subjectKey(r.subjectKind, r.subjectId);
      const list = this.bySubject.get(key) ?? [];
      list.push({ subject: { kind: r.subjectKind, id: r.subjectId }, resourceType: 'gateway_route', resourcePattern: r.resourcePattern, permission: r.permission });
      this.bySubject.set(key, list);
    }
  }

  static readonly EMPTY = new RouteGrants([], 'NO_PERMISSIONS');

  /** What `authorize` needs for this principal on gateway routes. */
  contextFor(p: Principal): PolicyContext {
    const grants = [...(this.bySubject.get(subjectKey('principal', p.id)) ?? [])];
    for (const g of p.groups) grants.push(...(this.bySubject.get(subjectKey('group', g)) ?? []));
    return { grants, defaultPermission: this.defaultPermission };
  }
}

const subjectKey = (kind: string, id: string) => `${kind}\u0000${id}`;
