import { ProviderAdapter } from '../provider-adapter';
import { azureOpenAiAdapter } from './azure_openai/azure-openai.adapter';
import { mistralAdapter } from './mistral/mistral.adapter';
import { openAiAdapter } from './openai/openai.adapter';
import { openAiCompatibleAdapter } from './openai_compatible/openai-compatible.adapter';

export { azureOpenAiAdapter, azureUrl } from './azure_openai/azure-openai.adapter';
export { mistralAdapter, MISTRAL_BASE_URL } from './mistral/mistral.adapter';
export { mistralToolCallId } from './mistral/mistral-tool-ids';
export { openAiAdapter, OPENAI_BASE_URL } from './openai/openai.adapter';
export { openAiCompatibleAdapter } from './openai_compatible/openai-compatible.adapter';

/** The adapters of the providers that speak OpenAI's dialect or a close variant of it. */
export const OPENAI_FAMILY_ADAPTERS: readonly ProviderAdapter[] = [openAiAdapter, azureOpenAiAdapter, openAiCompatibleAdapter, mistralAdapter];
