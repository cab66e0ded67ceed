import { ProviderAdapter } from '../../provider-adapter';
import { classifyOpenAiFamilyError } from '../shared/error-body';
import { joinUrl } from '../shared/wire-json';
import { OpenAiDialect, openAiChat, openAiCompletions, openAiEmbeddings } from './openai-dialect';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** o1/o3/o4 and gpt-5 refuse `max_tokens`; they take `max_completion_tokens`. */
const REASONING_MODEL = /^(o\d|gpt-5)/;

const dialect: OpenAiDialect = {
  provider: 'OpenAI',
  url: (t, path) => joinUrl(t.baseUrl ?? OPENAI_BASE_URL, path),
  headers: (t, c) => ({
    authorization: `Bearer ${c['api_key'] ?? ''}`,
    ...(t.options?.['organization'] ? { 'openai-organization': t.options['organization'] } : {}),
    ...(t.options?.['project'] ? { 'openai-project': t.options['project'] } : {}),
  }),
  bodyModel: (t) => t.model,
  streamUsage: () => true,
  maxTokensField: (t) => (REASONING_MODEL.test(t.model) ? 'max_completion_tokens' : 'max_tokens'),
  requireDone: true,
};

export const openAiAdapter: ProviderAdapter = {
  name: 'openai',
  chat: openAiChat(dialect),
  completions: openAiCompletions(dialect),
  embeddings: openAiEmbeddings(dialect),
  error: (reply) => classifyOpenAiFamilyError(reply, dialect.provider),
  validateTarget: (t) => [...(t.model ? [] : ['model is required']), ...(t.baseUrl !== undefined && !/^https?:\/\//.test(t.baseUrl) ? ['baseUrl must be an http(s) URL'] : [])],
};
