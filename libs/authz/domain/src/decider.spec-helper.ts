import { deciderSpec } from '@custos/events/testing';
import { AuthzError } from './errors';

/** Given/when/then for authz's deciders (test-only). */
export const specFor = <C, E extends { type: string; data: unknown }, S>(decider: Parameters<typeof deciderSpec<C, E, S, AuthzError>>[0]) => deciderSpec(decider, AuthzError);
