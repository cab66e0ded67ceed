import { ChatChunk, ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse } from '../../canonical';
import { ProviderAdapter, TaskTranslation, UpstreamRequest } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { chatChunkFrom, chatResponseFrom } from '../openai/openai-chat.wire';
import { embeddingsResponseFrom } from '../openai/openai-embeddings.wire';
import { OpenAiStreamDecoder } from '../openai/openai-stream.decoder';
import { classifyOpenAiFamilyError } from '../shared/error-body';
import { defined, isObject, joinUrl, WireObject, extraFields } from '../shared/wire-json';
import { mistralChatBody } from './mistral-chat.wire';

export const MISTRAL_BASE_URL = 'https://api.mistral.ai/v1';
const PROVIDER = 'Mistral';

function post(url: string, key: string | undefined, body: WireObject, stream: boolean | undefined): UpstreamRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', authorization: `Bearer ${key ?? ''}` },
    body: JSON.stringify(body),
  };
}

/** Mistral ends a choice with `error` when generation failed on its side: that is a provider failure, not an answer. */
function failIfErrored(body: WireObject): void {
  const choices = body['choices'];
  if (Array.isArray(choices) && choices.some((c) => isObject(c) && c['finish_reason'] === 'error')) throw new UpstreamError('server', `${PROVIDER} failed while generating the answer`);
}

const chat: TaskTranslation<ChatRequest, ChatResponse, ChatChunk> = {
  request: (target, credential, req) => post(joinUrl(target.baseUrl ?? MISTRAL_BASE_URL, 'chat/completions'), credential['api_key'], mistralChatBody(target, req), req.stream),
  response: (reply, target) => {
    const res = chatResponseFrom(reply.body, target.model);
    failIfErrored(JSON.parse(reply.body) as WireObject);
    return res;
  },
  stream: (target) =>
    new OpenAiStreamDecoder({
      provider: PROVIDER,
      requireDone: true,
      chunk: (b) => {
        failIfErrored(b);
        return chatChunkFrom(b, target.model);
      },
    }),
};

/** Mistral takes text input only; `dimensions` is its `output_dimension`. */
const embeddings: TaskTranslation<EmbeddingsRequest, EmbeddingsResponse, never> = {
  request: (target, credential, req) => {
    const input = req.input;
    if (!(typeof input === 'string' || (Array.isArray(input) && input.every((i) => typeof i === 'string'))))
      throw new UpstreamError('bad_request', `${PROVIDER} embeddings take text input only, not token arrays`);
    return post(
      joinUrl(target.baseUrl ?? MISTRAL_BASE_URL, 'embeddings'),
      credential['api_key'],
      defined({ ...extraFields(req.extra), model: target.model, input, output_dimension: req.dimensions, encoding_format: req.encoding_format }),
      false,
    );
  },
  response: (reply, target) => embeddingsResponseFrom(reply.body, target.model),
};

/**
 * Mistral's chat and embeddings APIs (its completions endpoint is fill-in-the-middle, a different
 * task, so none here). Errors come as `{object:"error",message,type,code}`, `{message,request_id}`
 * from its edge, or `{detail:[...]}` on 422; the family classifier reads all three.
 */
export const mistralAdapter: ProviderAdapter = {
  name: 'mistral',
  chat,
  embeddings,
  error: (reply) => classifyOpenAiFamilyError(reply, PROVIDER),
  validateTarget: (t) => [
    ...(t.model ? [] : ['model is required']),
    ...(t.baseUrl !== undefined && !/^https?:\/\//.test(t.baseUrl) ? ['baseUrl must be an http(s) URL'] : []),
    ...(t.options?.['safe_prompt'] !== undefined && !['true', 'false'].includes(t.options['safe_prompt']) ? ['options.safe_prompt must be "true" or "false"'] : []),
  ],
};
