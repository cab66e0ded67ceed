import { countTokens, OPENAI_FAMILY_ADAPTERS, OTHER_PROVIDER_ADAPTERS, ProviderAdapter } from '@custos/ai-domain';
import { TokenEstimator } from './calls/call-usage';

/** Every provider adapter the gateway serves (pure translations in @custos/ai-domain). */
export const PROVIDER_ADAPTER_LIST: readonly ProviderAdapter[] = [...OPENAI_FAMILY_ADAPTERS, ...OTHER_PROVIDER_ADAPTERS];

/** Counts for calls whose provider reported none (marked estimated in the usage record). */
export const tokenEstimator: TokenEstimator = { count: (text, model) => countTokens(text, model) };
