/** Where a target sends its credential: the provider, the stored credential, and the address. */
interface Upstream {
  provider: string;
  secretId: string;
  baseUrl?: string | null;
}

const key = (t: Upstream) => JSON.stringify([t.provider, t.secretId, t.baseUrl ?? null]);

/**
 * The targets that would send a stored credential somewhere the endpoint does not already send it.
 * Someone with EDIT on an endpoint may re-weight, re-order, change models and drop targets; pointing
 * a credential at a new address (which could be their own server) or using another credential is
 * an admin's decision, since credentials are admin-managed.
 */
export function newUpstreams(current: readonly Upstream[], next: readonly Upstream[]): Upstream[] {
  const known = new Set(current.map(key));
  return next.filter((t) => !known.has(key(t)));
}
