import { ChatChunk, ChatRequest, ChatResponse, CompletionChunk, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse, TaskType } from '@custos/ai-domain';
import { CallError } from './call-error';

export type FrontName = 'openai' | 'anthropic' | 'mlflow';

export type CanonicalRequest = ChatRequest | CompletionRequest | EmbeddingsRequest;
export type CanonicalResponse = ChatResponse | CompletionResponse | EmbeddingsResponse;
export type CanonicalChunk = ChatChunk | CompletionChunk;

/** A caller's body read into the canonical form. `unknown` names the parameters the form does not know (kept in `extra`). */
export interface ParsedCall {
  request: CanonicalRequest;
  unknown: string[];
}

/**
 * One caller dialect (OpenAI, Anthropic, MLflow deployments): pure translation between its wire
 * shapes and the canonical form. The pipeline owns everything else (endpoint, permission, attempts,
 * usage), so a front never sees a provider and a provider never sees a front.
 */
export interface FrontCodec {
  readonly name: FrontName;
  /** Throws CallError(400) on a body that is not this dialect's request for `task`. */
  parse(task: TaskType, body: Record<string, unknown>): ParsedCall;
  response(task: TaskType, res: CanonicalResponse, endpoint: string): unknown;
  /** The SSE text for one streamed piece ('' when the dialect has nothing to say for it). */
  chunk(task: TaskType, chunk: CanonicalChunk, endpoint: string): string;
  /** The SSE text that ends a complete stream (OpenAI's `data: [DONE]`). */
  streamEnd(task: TaskType, endpoint: string): string;
  /** A failure after the stream started, as this dialect's error event; the stream ends after it. */
  streamError(e: CallError): string;
  error(e: CallError): { status: number; body: unknown };
}
