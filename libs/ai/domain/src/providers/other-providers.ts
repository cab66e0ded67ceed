import { ProviderAdapter } from '../provider-adapter';
import { anthropicAdapter } from './anthropic/anthropic.adapter';
import { bedrockAdapter } from './bedrock/bedrock.adapter';
import { cohereAdapter } from './cohere/cohere.adapter';
import { geminiAdapter } from './gemini/gemini.adapter';

export { anthropicAdapter } from './anthropic/anthropic.adapter';
export { bedrockAdapter } from './bedrock/bedrock.adapter';
export { cohereAdapter } from './cohere/cohere.adapter';
export { geminiAdapter } from './gemini/gemini.adapter';

/** Anthropic, Gemini, Cohere and Bedrock: providers with their own wire formats. */
export const OTHER_PROVIDER_ADAPTERS: readonly ProviderAdapter[] = [anthropicAdapter, geminiAdapter, cohereAdapter, bedrockAdapter];
