import { ChatMessage, ChatRequest, EmbeddingsRequest, ResponseFormat } from '../../canonical';
import { ProviderCredential, ProviderTarget, UpstreamRequest } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { embeddingTexts } from '../support/embedding-input';
import { textOf, unsupported } from '../support/message-content';
import { compact, joinUrl, JsonObject, withPassThrough } from '../support/wire-json';

export const COHERE_BASE_URL = 'https://api.cohere.com';
/** v3+ embed models require an input type; documents is the common gateway use (a target may set `options.input_type`). */
export const COHERE_DEFAULT_INPUT_TYPE = 'search_document';

function headers(credential: ProviderCredential, stream = false): Record<string, string> {
  const key = credential.api_key;
  if (!key) throw new UpstreamError('auth', 'cohere: the stored credential has no api_key');
  return { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...(stream ? { accept: 'text/event-stream' } : {}) };
}

/** Chat v2 (`/v2/chat`): its messages already follow OpenAI's roles, tool calls and tool results. */
export function cohereChatRequest(target: ProviderTarget, credential: ProviderCredential, req: ChatRequest): UpstreamRequest {
  const h = headers(credential, req.stream);
  if (req.n !== undefined && req.n > 1) throw unsupported('cohere', 'n > 1');
  const choice = req.tool_choice;
  // Cohere cannot force one named tool; offering only that tool with REQUIRED means the same.
  const tools = typeof choice === 'object' ? req.tools?.filter((t) => t.function.name === choice.function.name) : req.tools;
  const body = withPassThrough(
    {
      model: target.model,
      messages: req.messages.map(toMessage),
      stream: req.stream ? true : undefined,
      max_tokens: req.max_tokens,
      temperature: req.temperature,
      p: req.top_p,
      stop_sequences: req.stop?.length ? req.stop : undefined,
      seed: req.seed,
      frequency_penalty: req.frequency_penalty,
      presence_penalty: req.presence_penalty,
      logprobs: req.logprobs,
      tools: tools?.length
        ? tools.map((t) => ({
            type: 'function',
            function: compact({ name: t.function.name, description: t.function.description, parameters: t.function.parameters ?? { type: 'object', properties: {} } }),
          }))
        : undefined,
      tool_choice: tools?.length && choice !== undefined && choice !== 'auto' ? (choice === 'none' ? 'NONE' : 'REQUIRED') : undefined,
      strict_tools: req.tools?.some((t) => t.function.strict) || undefined,
      response_format: responseFormat(req.response_format),
    },
    req.extra,
  );
  return { method: 'POST', url: joinUrl(target.baseUrl ?? COHERE_BASE_URL, '/v2/chat'), headers: h, body: JSON.stringify(body) };
}

function responseFormat(f: ResponseFormat | undefined): JsonObject | undefined {
  if (!f || f.type === 'text') return undefined;
  return compact({ type: 'json_object', json_schema: f.type === 'json_schema' ? f.json_schema.schema : undefined });
}

function toMessage(m: ChatMessage): JsonObject {
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw new UpstreamError('bad_request', 'a tool message needs tool_call_id');
    return { role: 'tool', tool_call_id: m.tool_call_id, content: textOf(m.content) };
  }
  if (m.role === 'assistant') {
    const text = textOf(m.content);
    // with tool calls, the assistant's words are Cohere's tool plan
    if (m.tool_calls?.length) return compact({ role: 'assistant', tool_plan: text || undefined, tool_calls: m.tool_calls });
    return { role: 'assistant', content: text };
  }
  const role = m.role === 'developer' ? 'system' : m.role;
  if (typeof m.content === 'string' || m.content === null) return { role, content: m.content ?? '' };
  return { role, content: m.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: p.image_url.url } })) };
}

/** Embed v2 (`/v2/embed`), float vectors. */
export function cohereEmbeddingsRequest(target: ProviderTarget, credential: ProviderCredential, req: EmbeddingsRequest): UpstreamRequest {
  const body = withPassThrough(
    {
      model: target.model,
      texts: embeddingTexts(req, 'cohere'),
      input_type: target.options?.input_type ?? COHERE_DEFAULT_INPUT_TYPE,
      embedding_types: ['float'],
      output_dimension: req.dimensions,
    },
    req.extra,
  );
  return { method: 'POST', url: joinUrl(target.baseUrl ?? COHERE_BASE_URL, '/v2/embed'), headers: headers(credential), body: JSON.stringify(body) };
}
