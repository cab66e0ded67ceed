/**
 * The gateway's one internal form of an AI call. It follows OpenAI's Chat Completions, Completions
 * and Embeddings wire shapes (the lingua franca most providers and clients already speak), so the
 * OpenAI front is nearly an identity and every other front or provider translates to and from it.
 * Nothing here is framework- or transport-specific; bodies are plain JSON values.
 */

export const TASK_TYPES = ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export interface TextPart {
  type: 'text';
  text: string;
}
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string | ContentPart[] | null;
  name?: string;
  /** assistant turns that called tools */
  tool_calls?: ToolCall[];
  /** tool turns: the call this result answers */
  tool_call_id?: string;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

/** Request fields every task shares. `extra` holds what the caller sent that this form does not name. */
export interface CommonParams {
  /** the upstream model; set from the endpoint's target, never from the caller */
  model?: string;
  stream?: boolean;
  /** ask the provider for token counts on streams where it supports that */
  stream_options?: { include_usage?: boolean };
  user?: string;
  /**
   * Parameters outside this form, already filtered by the endpoint's unknown-parameter policy
   * (`pass` keeps them here and adapters forward them as-is; `drop` empties it; `reject` refused the call).
   */
  extra?: Record<string, unknown>;
}

export interface ChatRequest extends CommonParams {
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  n?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
}

export interface CompletionRequest extends CommonParams {
  prompt: string | string[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  n?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  logprobs?: number;
  echo?: boolean;
  suffix?: string;
}

export interface EmbeddingsRequest extends CommonParams {
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Token counts of one call. `estimated` when the provider gave none and we counted with a tokenizer. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** prompt tokens served from the provider's cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens) */
  cached_tokens?: number;
  /** prompt tokens written to the provider's cache (Anthropic cache_creation_input_tokens) */
  cache_write_tokens?: number;
  estimated?: boolean;
}

export interface ChatChoice {
  index: number;
  message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[]; refusal?: string | null };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatResponse {
  id: string;
  created: number;
  /** the upstream model that answered */
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
}

/** A tool call as streamed: the first delta of a call carries id and name, later ones argument text. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatChunkChoice {
  index: number;
  delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[]; refusal?: string | null };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

/** One streamed piece. The last chunk of a stream may carry only `usage` with no choices. */
export interface ChatChunk {
  id: string;
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  usage?: Usage;
}

export interface CompletionChoice {
  index: number;
  text: string;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface CompletionResponse {
  id: string;
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: Usage;
}

export type CompletionChunk = CompletionResponse;

export interface EmbeddingsResponse {
  model: string;
  /** float vectors, or base64 strings when the caller asked for `encoding_format: base64` */
  data: { index: number; embedding: number[] | string }[];
  usage?: Pick<Usage, 'prompt_tokens' | 'total_tokens' | 'estimated'>;
}
