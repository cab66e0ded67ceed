import {
  ChatChunk,
  ChatRequest,
  ChatResponse,
  CompletionChunk,
  CompletionRequest,
  CompletionResponse,
  EmbeddingsRequest,
  EmbeddingsResponse,
  TaskType,
  UnknownParamPolicy,
  UpstreamError,
} from '@custos/ai-domain';
import { CallError } from './call-error';

export type FrontName = 'openai' | 'anthropic' | 'mlflow';

export type CanonicalRequest = ChatRequest | CompletionRequest | EmbeddingsRequest;
export type CanonicalResponse = ChatResponse | CompletionResponse | EmbeddingsResponse;
export type CanonicalChunk = ChatChunk | CompletionChunk;

/** Why a call ended badly: the gateway's own refusal, or the provider's failure. */
export type CallFailure = CallError | UpstreamError;

/** A caller's body read into the canonical form, the endpoint's unknown-parameter policy applied. */
export interface ParsedCall {
  request: CanonicalRequest;
  /** parameters the policy dropped, named in a response header */
  dropped: string[];
}

/** One stream's rendering in the caller's dialect; stateful (ids, open content blocks), one per call. */
export interface FrontStream {
  /** SSE text for one canonical chunk ('' when the dialect has nothing to say for it). */
  push(chunk: CanonicalChunk): string;
  /** what closes a complete stream (OpenAI's usage chunk and `[DONE]`, Anthropic's `message_stop`) */
  end(): string;
}

export interface FrontErrorReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * One caller dialect (OpenAI, Anthropic, MLflow deployments) as the call pipeline sees it: the
 * pure translations of @custos/ai-domain's fronts behind one shape. The pipeline owns everything
 * else (endpoint, permission, attempts, usage), so a front never sees a provider and a provider
 * never sees a front.
 */
export interface FrontCodec {
  readonly name: FrontName;
  /** Throws CallError on a body that is not this dialect's request for `task`, or that the policy refuses. */
  parse(task: TaskType, body: unknown, policy: UnknownParamPolicy): ParsedCall;
  response(task: TaskType, res: CanonicalResponse, endpoint: string): unknown;
  /** `request` is the caller's own (before the gateway asked the provider for usage). */
  stream(task: TaskType, endpoint: string, request: CanonicalRequest): FrontStream;
  /** A failure before anything was sent: status, headers (Retry-After) and the dialect's error body. */
  error(f: CallFailure, requestId: string): FrontErrorReply;
  /** A failure after the stream started, as the dialect's error event; the stream ends after it. */
  streamError(f: CallFailure, requestId: string): string;
}
