import { ProviderAdapter, ProviderTarget } from '../../provider-adapter';
import { OpenAiDialect, openAiChat, openAiCompletions, openAiEmbeddings } from '../openai/openai-dialect';
import { REASONING_MODEL } from '../openai/openai.adapter';
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

/**
 * Reasoning-model deployments refuse `max_tokens`. The deployment name need not name the model, so
 * `options.max_tokens_field` says it; without it a deployment named like a reasoning model (`o3-mini`) counts as one.
 */
function maxTokensField(t: ProviderTarget): 'max_tokens' | 'max_completion_tokens' {
  const set = t.options?.['max_tokens_field'];
  if (set === 'max_tokens' || set === 'max_completion_tokens') return set;
  return REASONING_MODEL.test(t.model) ? 'max_completion_tokens' : 'max_tokens';
}

const dialect: OpenAiDialect = {
  provider: 'Azure OpenAI',
  url: azureUrl,
  // A Microsoft Entra ID token, when the stored credential is one, goes as a bearer token instead of the resource key.
  headers: (_t, c): Record<string, string> => (c['azure_ad_token'] ? { authorization: `Bearer ${c['azure_ad_token']}` } : { 'api-key': c['api_key'] ?? '' }),
  bodyModel: () => undefined,
  streamUsage: (t) => (t.options?.['api_version'] ?? '') >= STREAM_USAGE_SINCE,
  maxTokensField,
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
    ...(t.options?.['max_tokens_field'] !== undefined && !['max_tokens', 'max_completion_tokens'].includes(t.options['max_tokens_field'])
      ? ['options.max_tokens_field must be max_tokens or max_completion_tokens']
      : []),
  ],
};
