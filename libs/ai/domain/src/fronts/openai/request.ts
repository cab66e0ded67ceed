import { ChatRequest, CompletionRequest, EmbeddingsRequest } from '../../canonical';
import { FrontResult } from '../front-failure';
import { defined, fieldError, FieldReader, parseBody, typeError } from '../json-fields';
import { chatRequestFields, samplingFields, streamFields, withExtra } from './chat-request';

/** A parsed OpenAI-dialect call: the endpoint the caller named as `model`, and the canonical request. */
export interface OpenAiCall<R> {
  endpoint: string;
  request: R;
}

function endpointName(r: FieldReader): string {
  return r.required('model', (x, k) => x.string(k, { nonEmpty: true }));
}

/** POST /v1/chat/completions */
export function parseOpenAiChat(body: unknown): FrontResult<OpenAiCall<ChatRequest>> {
  return parseBody(body, (r) => {
    const endpoint = endpointName(r);
    return { endpoint, request: chatRequestFields(r) };
  });
}

/** The completions prompt: a string or strings (token-id prompts are not supported: the gateway cannot know the target's tokenizer). */
export function completionPrompt(r: FieldReader): string | string[] {
  const v = r.required('prompt', (x, k) => x.raw(k));
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string')) return v as string[];
  if (Array.isArray(v) && v.length === 0) return fieldError(r.path('prompt'), `'${r.path('prompt')}' must not be empty.`);
  return typeError(r.path('prompt'), 'a string or an array of strings', v);
}

export function completionRequestFields(r: FieldReader): CompletionRequest {
  const req: CompletionRequest = defined({
    prompt: completionPrompt(r),
    ...samplingFields(r),
    ...streamFields(r),
    logprobs: r.integer('logprobs', { min: 0, max: 5 }),
    echo: r.boolean('echo'),
    suffix: r.string('suffix'),
    user: r.string('user'),
  });
  return withExtra(req, r);
}

/** POST /v1/completions */
export function parseOpenAiCompletion(body: unknown): FrontResult<OpenAiCall<CompletionRequest>> {
  return parseBody(body, (r) => {
    const endpoint = endpointName(r);
    return { endpoint, request: completionRequestFields(r) };
  });
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n));
}

/** Embeddings input: text, texts, token ids, or arrays of token ids; never empty. */
export function embeddingsInput(r: FieldReader): EmbeddingsRequest['input'] {
  const v = r.required('input', (x, k) => x.raw(k));
  const path = r.path('input');
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.length === 0) return fieldError(path, `'${path}' must not be empty.`);
    if (v.every((s) => typeof s === 'string')) return v as string[];
    if (isIntArray(v)) return v;
    if (v.every(isIntArray)) return v;
  }
  return typeError(path, 'a string, an array of strings, or token ids', v);
}

export function embeddingsRequestFields(r: FieldReader): EmbeddingsRequest {
  const req: EmbeddingsRequest = defined({
    input: embeddingsInput(r),
    dimensions: r.integer('dimensions', { min: 1 }),
    encoding_format: r.oneOf('encoding_format', ['float', 'base64'] as const),
    user: r.string('user'),
  });
  return withExtra(req, r);
}

/** POST /v1/embeddings */
export function parseOpenAiEmbeddings(body: unknown): FrontResult<OpenAiCall<EmbeddingsRequest>> {
  return parseBody(body, (r) => {
    const endpoint = endpointName(r);
    return { endpoint, request: embeddingsRequestFields(r) };
  });
}
