import { ProviderAdapter, ProviderTarget } from '../../provider-adapter';
import { OpenAiDialect, openAiChat, openAiCompletions, openAiEmbeddings } from '../openai/openai-dialect';
import { classifyOpenAiFamilyError } from '../shared/error-body';

/** `stream_options` is refused by api-versions before this one (it arrived in 2024-09-01-preview). */
const STREAM_USAGE_SINCE = '2024-09-01';

/**
 * `{base}/openai/deployments/{deployment}/{task}?api-version=..`: the deployment (the target's
 * model) is in the path, so the body names no model. A base given with its `/openai` suffix is accepted.
 */
export function azureUrl(t: ProviderTarget, path: string): string {
  const base = (t.baseUrl ?? '').replace(/\/+$/, '').replace(/\/openai$/, '');
  return `${base}/openai/deployments/${encodeURIComponent(t.model)}/${path}?api-version=${encodeURIComponent(t.options?.['api_version'] ?? '')}`;
}

const dialect: OpenAiDialect = {
  provider: 'Azure OpenAI',
  url: azureUrl,
  headers: (_t, c) => ({ 'api-key': c['api_key'] ?? '' }),
  bodyModel: () => undefined,
  streamUsage: (t) => (t.options?.['api_version'] ?? '') >= STREAM_USAGE_SINCE,
  requireDone: true,
};

/** Azure's errors use OpenAI's envelope, with `DeploymentNotFound`, numeric-string codes and `content_filter` + `innererror`. */
export const azureOpenAiAdapter: ProviderAdapter = {
  name: 'azure_openai',
  chat: openAiChat(dialect),
  completions: openAiCompletions(dialect),
  embeddings: openAiEmbeddings(dialect),
  error: (reply) => classifyOpenAiFamilyError(reply, dialect.provider),
  validateTarget: (t) => [
    ...(t.model ? [] : ['model (the deployment name) is required']),
    ...(t.baseUrl && /^https?:\/\//.test(t.baseUrl) ? [] : ['baseUrl (https://<resource>.openai.azure.com) is required']),
    ...(t.options?.['api_version'] ? [] : ['options.api_version is required']),
  ],
};
