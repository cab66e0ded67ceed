import { deciderSpec } from '@custos/events/testing';
import { TrackingError } from './errors';

/** Given/when/then for tracking's deciders (test-only). */
export const specFor = <C, E extends { type: string; data: unknown }, S>(decider: Parameters<typeof deciderSpec<C, E, S, TrackingError>>[0]) => deciderSpec(decider, TrackingError);
