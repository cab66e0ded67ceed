import { ChatChunk, ChatRequest, ChatResponse, CompletionChunk, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse } from '../../canonical';
import { ProviderCredential, ProviderTarget, TaskTranslation, UpstreamRequest } from '../../provider-adapter';
import { WireObject } from '../shared/wire-json';
import { chatBody, chatChunkFrom, chatResponseFrom } from './openai-chat.wire';
import { completionBody, completionChunkFrom, completionResponseFrom } from './openai-completions.wire';
import { embeddingsBody, embeddingsResponseFrom } from './openai-embeddings.wire';
import { OpenAiStreamDecoder } from './openai-stream.decoder';

/**
 * What differs between servers that speak OpenAI's dialect (OpenAI, Azure, the compatible ones):
 * where each task lives, how the key is sent, whether the body names the model, and how strict the
 * stream ending is. The three tasks' translations are built from this once per provider.
 */
export interface OpenAiDialect {
  provider: string;
  url(target: ProviderTarget, path: 'chat/completions' | 'completions' | 'embeddings'): string;
  headers(target: ProviderTarget, credential: ProviderCredential): Record<string, string>;
  /** the model field of the body, or undefined when the URL names it */
  bodyModel(target: ProviderTarget): string | undefined;
  /** request `stream_options.include_usage` */
  streamUsage(target: ProviderTarget): boolean;
  maxTokensField?(target: ProviderTarget): 'max_tokens' | 'max_completion_tokens';
  developerAsSystem?: boolean;
  requireDone: boolean;
}

function post(url: string, headers: Record<string, string>, body: WireObject, stream: boolean | undefined): UpstreamRequest {
  return { method: 'POST', url, headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function openAiChat(d: OpenAiDialect): TaskTranslation<ChatRequest, ChatResponse, ChatChunk> {
  return {
    request: (target, credential, req) =>
      post(
        d.url(target, 'chat/completions'),
        d.headers(target, credential),
        chatBody(req, { model: d.bodyModel(target), streamUsage: d.streamUsage(target), maxTokensField: d.maxTokensField?.(target), developerAsSystem: d.developerAsSystem }),
        req.stream,
      ),
    response: (reply, target) => chatResponseFrom(reply.body, target.model),
    stream: (target) => new OpenAiStreamDecoder({ provider: d.provider, requireDone: d.requireDone, chunk: (b) => chatChunkFrom(b, target.model) }),
  };
}

export function openAiCompletions(d: OpenAiDialect): TaskTranslation<CompletionRequest, CompletionResponse, CompletionChunk> {
  return {
    request: (target, credential, req) =>
      post(d.url(target, 'completions'), d.headers(target, credential), completionBody(req, { model: d.bodyModel(target), streamUsage: d.streamUsage(target) }), req.stream),
    response: (reply, target) => completionResponseFrom(reply.body, target.model),
    stream: (target) => new OpenAiStreamDecoder({ provider: d.provider, requireDone: d.requireDone, chunk: (b) => completionChunkFrom(b, target.model) }),
  };
}

export function openAiEmbeddings(d: OpenAiDialect): TaskTranslation<EmbeddingsRequest, EmbeddingsResponse, never> {
  return {
    request: (target, credential, req) => post(d.url(target, 'embeddings'), d.headers(target, credential), embeddingsBody(req, { model: d.bodyModel(target) }), false),
    response: (reply, target) => embeddingsResponseFrom(reply.body, target.model),
  };
}
