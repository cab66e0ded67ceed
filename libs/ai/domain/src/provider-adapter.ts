import { ChatChunk, ChatRequest, ChatResponse, CompletionChunk, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse, TaskType } from './canonical';
import { UpstreamError } from './upstream-error';

export const PROVIDERS = ['openai', 'azure_openai', 'anthropic', 'mistral', 'gemini', 'cohere', 'bedrock', 'openai_compatible'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** One upstream of an endpoint, as the adapter needs it (the credential comes separately, decrypted). */
export interface ProviderTarget {
  provider: ProviderName;
  /** the provider's model name (Azure: the deployment name; Bedrock: the model id or inference profile) */
  model: string;
  /** overrides the provider's public base URL (required for openai_compatible and azure_openai) */
  baseUrl?: string;
  /** provider-specific settings, e.g. azure `api_version`, bedrock `region`, anthropic `version` */
  options?: Record<string, string>;
}

/**
 * A stored provider credential, decrypted for one call and never logged. `api_key` for most;
 * Bedrock takes `aws_access_key_id`, `aws_secret_access_key` and optionally `aws_session_token`.
 */
export type ProviderCredential = Readonly<Record<string, string>>;

/** The HTTP request an adapter wants sent. The pipeline owns the connection (SSRF, TLS, timeouts). */
export interface UpstreamRequest {
  method: 'POST' | 'GET';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The provider's reply as received (non-streaming), body already read as text. */
export interface UpstreamReply {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/**
 * Turns a provider's streamed bytes into canonical chunks. Stateful per call. `push` may return
 * several chunks or none; it throws an `UpstreamError` (kind `protocol`, or the provider's error
 * class when the stream carries an error event). `end` flushes and throws when the stream stopped
 * before the provider said it was complete.
 */
export interface StreamDecoder<T> {
  push(bytes: Uint8Array): T[];
  end(): T[];
}

export interface TaskTranslation<Req, Res, Chunk> {
  /** Build the upstream request. Async because some providers sign requests (SigV4). */
  request(target: ProviderTarget, credential: ProviderCredential, req: Req): UpstreamRequest | Promise<UpstreamRequest>;
  /** Parse a 2xx non-streaming reply. Throws UpstreamError(kind 'protocol') when it is not the provider's shape. */
  response(reply: UpstreamReply, target: ProviderTarget): Res;
  /** Present only when the provider can stream this task. */
  stream?: (target: ProviderTarget) => StreamDecoder<Chunk>;
}

/**
 * One provider: pure translation between the canonical form and its wire format, no I/O. The
 * pipeline calls `request`, sends it, then `error` for a non-2xx reply or `response`/`stream`.
 */
export interface ProviderAdapter {
  readonly name: ProviderName;
  readonly chat?: TaskTranslation<ChatRequest, ChatResponse, ChatChunk>;
  readonly completions?: TaskTranslation<CompletionRequest, CompletionResponse, CompletionChunk>;
  readonly embeddings?: TaskTranslation<EmbeddingsRequest, EmbeddingsResponse, never>;
  /** Classify a non-2xx reply (its body in the provider's error format) into an UpstreamError. */
  error(reply: UpstreamReply): UpstreamError;
  /** What a target of this provider must name (e.g. azure needs baseUrl and options.api_version). */
  validateTarget(target: ProviderTarget): string[];
}

export function supportsTask(adapter: ProviderAdapter, task: TaskType): boolean {
  return task === 'llm/v1/chat' ? !!adapter.chat : task === 'llm/v1/completions' ? !!adapter.completions : !!adapter.embeddings;
}
