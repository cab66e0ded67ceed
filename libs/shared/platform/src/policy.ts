import { SetMetadata } from '@nestjs/common';
import { Action } from '@custos/rbac';

export const POLICY_KEY = 'custos:policy';
export const PUBLIC_KEY = 'custos:public';

/**
 * Every route declares what it asks to do. Non-resource actions are enforced by the guard; resource
 * actions are checked by the handler once it knows the resource (object-level), through the
 * service's access checker. A route without a declaration is refused (deny by default).
 */
export const Policy = (action: Action) => SetMetadata(POLICY_KEY, action);

/** Health and metrics only: reachable without an internal token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
