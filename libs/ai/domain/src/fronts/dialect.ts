import { renderAnthropicError, anthropicStreamError } from './anthropic/error';
import { FrontFailure, FrontReply } from './front-failure';
import { mlflowStreamError, renderMlflowError } from './mlflow/error';
import { openAiStreamError, renderOpenAiError } from './openai/error';

/** The dialect a caller speaks, chosen by the route it called. */
export const FRONT_DIALECTS = ['openai', 'anthropic', 'mlflow'] as const;
export type FrontDialect = (typeof FRONT_DIALECTS)[number];

/**
 * A failure as the caller's dialect writes it before anything was streamed: status, headers
 * (Retry-After on 429) and the JSON body. `requestId` is echoed by Anthropic's error body only.
 */
export function renderFrontError(dialect: FrontDialect, f: FrontFailure, requestId?: string): FrontReply {
  switch (dialect) {
    case 'openai':
      return renderOpenAiError(f);
    case 'anthropic':
      return renderAnthropicError(f, requestId);
    case 'mlflow':
      return renderMlflowError(f);
  }
}

/**
 * The same failure after the stream has begun (the status is already 200): the SSE text that ends
 * the stream in the caller's dialect. The writer sends it and closes, with no end-of-stream marker.
 */
export function renderFrontStreamError(dialect: FrontDialect, f: FrontFailure, requestId?: string): string {
  switch (dialect) {
    case 'openai':
      return openAiStreamError(f);
    case 'anthropic':
      return anthropicStreamError(f, requestId);
    case 'mlflow':
      return mlflowStreamError(f);
  }
}
