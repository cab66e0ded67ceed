import { ProviderRegistry } from '@custos/ai-domain';

/**
 * The provider adapters the endpoint decider asks for target checks (`validateTarget`, tasks
 * served). The call path's module provides the real registry under this token; without it every
 * known provider gets only the checks all targets get.
 */
export const AI_PROVIDER_REGISTRY = Symbol('AI_PROVIDER_REGISTRY');

export const NO_ADAPTERS: ProviderRegistry = { get: () => undefined };
