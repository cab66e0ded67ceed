import { ProviderAdapter } from '../../provider-adapter';
import { OpenAiDialect, openAiChat, openAiCompletions, openAiEmbeddings } from '../openai/openai-dialect';
import { classifyOpenAiFamilyError } from '../shared/error-body';
import { joinUrl } from '../shared/wire-json';

/**
 * Any server that speaks OpenAI's dialect at a base URL ending where OpenAI's `/v1` does (Ollama
 * `http://host:11434/v1`, vLLM, llama.cpp, Groq `https://api.groq.com/openai/v1`, DeepSeek, Together).
 * The key is optional (local servers have none). Not all of them report usage on streams, so the
 * stream's last chunk may carry none and the pipeline estimates; `options.stream_usage: "false"` stops
 * asking for servers that refuse `stream_options`. Some omit `[DONE]`: a stream whose choices all
 * finished counts as complete. Local servers' chat templates know `system` but not OpenAI's newer
 * `developer` role, so developer turns go as system turns.
 */
const dialect: OpenAiDialect = {
  provider: 'OpenAI-compatible server',
  url: (t, path) => joinUrl(t.baseUrl ?? '', path),
  headers: (_t, c): Record<string, string> => (c['api_key'] ? { authorization: `Bearer ${c['api_key']}` } : {}),
  bodyModel: (t) => t.model,
  streamUsage: (t) => t.options?.['stream_usage'] !== 'false',
  requireDone: false,
  developerAsSystem: true,
};

export const openAiCompatibleAdapter: ProviderAdapter = {
  name: 'openai_compatible',
  chat: openAiChat(dialect),
  completions: openAiCompletions(dialect),
  embeddings: openAiEmbeddings(dialect),
  error: (reply) => classifyOpenAiFamilyError(reply, dialect.provider),
  validateTarget: (t) => [...(t.model ? [] : ['model is required']), ...(t.baseUrl && /^https?:\/\//.test(t.baseUrl) ? [] : ['baseUrl (the server address up to and including /v1) is required'])],
};
